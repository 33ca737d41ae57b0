"""Test helpers: packets built by hand (independent of the encoder under test),
simulated devices on real sockets, and an in-process gateway."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable

from qingyuan.gateway.config import GatewayConfig
from qingyuan.gateway.server import GatewayServer

PW = "123456"


def _table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_T = _table()


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for b in data:
        crc = _T[(crc >> 8) ^ b]
    return crc


def frame(segment: str) -> bytes:
    seg = segment.encode()
    return b"##%04d" % len(seg) + seg + b"%04X\r\n" % crc16(seg)


def mn_of(i: int) -> str:
    return f"88888880{i:016d}"


def qn_of(i: int) -> str:
    return f"20240101{i:09d}"


def upload(mn: str, qn: str, *, cn: str = "2051", flag: int = 5, pw: str = PW, st: str = "32",
           cp: str = "DataTime=20240101120000;w01018-Avg=40.1,w01018-Flag=N", extra: str = "") -> bytes:
    qn_part = f"QN={qn};" if qn else ""
    return frame(f"{qn_part}ST={st};CN={cn};PW={pw};MN={mn};Flag={flag};{extra}CP=&&{cp}&&")


def realtime(mn: str, qn: str, n: int) -> bytes:
    sec = n % 60
    return upload(mn, qn, cn="2011", cp=f"DataTime=202401011200{sec:02d};w01018-Rtd={n % 97}.5,w01018-Flag=N;"
                  f"w21003-Rtd=1.{n % 10},w21003-Flag=N")


QN_RE = re.compile(rb"QN=([^;]*);")
CN_RE = re.compile(rb"CN=(\d+);")


def split_frames(data: bytes) -> tuple[list[bytes], bytes]:
    frames = data.split(b"\r\n")
    return [f + b"\r\n" for f in frames[:-1]], frames[-1]


class Device:
    """One simulated data logger on a real socket."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.rest = b""
        self.frames: list[bytes] = []

    @classmethod
    async def connect(cls, port: int, host: str = "127.0.0.1") -> Device:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def replies(self, n: int, timeout: float = 10.0) -> list[bytes]:
        """Wait for ``n`` more reply frames."""
        async def fill() -> None:
            while len(self.frames) < n:
                chunk = await self.reader.read(65536)
                if not chunk:
                    raise ConnectionError(f"closed after {len(self.frames)} replies")
                got, self.rest = split_frames(self.rest + chunk)
                self.frames.extend(got)
        await asyncio.wait_for(fill(), timeout)
        out, self.frames = self.frames[:n], self.frames[n:]
        return out

    async def nothing_for(self, seconds: float) -> bool:
        """True if no byte arrives for ``seconds`` (and the connection stays open)."""
        try:
            chunk = await asyncio.wait_for(self.reader.read(65536), seconds)
        except TimeoutError:
            return True
        self.rest += chunk
        return False

    async def closed_within(self, seconds: float) -> bool:
        async def eof() -> None:
            while await self.reader.read(65536):
                pass
        try:
            await asyncio.wait_for(eof(), seconds)
        except TimeoutError:
            return False
        except ConnectionError:
            return True
        return True

    def close(self) -> None:
        self.writer.close()


def qns(frames: list[bytes]) -> list[str]:
    return [m.group(1).decode() if (m := QN_RE.search(f)) else "" for f in frames]


def cns(frames: list[bytes]) -> list[str]:
    return [m.group(1).decode() if (m := CN_RE.search(f)) else "" for f in frames]


@contextlib.asynccontextmanager
async def running_gateway(sink_factory: Callable[[], object], **overrides: object) -> AsyncIterator[GatewayServer]:
    config = GatewayConfig(host="127.0.0.1", port=0, log_level="WARNING").replace(**overrides)
    server = GatewayServer(config, sink_factory)  # type: ignore[arg-type]
    await server.start()
    try:
        yield server
    finally:
        await server.shutdown()


async def eventually(check: Callable[[], bool], timeout: float = 10.0, interval: float = 0.02) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


class GatewayProcess:
    """``python -m qingyuan.gateway`` on the reference SQLite sink, in a subprocess."""

    def __init__(self, db_path: str, log_path: str, **env: str) -> None:
        import os
        import subprocess
        import sys

        self.log_path = log_path
        full_env = dict(os.environ)
        full_env.update({
            "QINGYUAN_SQLITE_SINK_PATH": db_path,
            "QINGYUAN_GATEWAY_HOST": "127.0.0.1",
            "QINGYUAN_GATEWAY_PORT": "0",
            "QINGYUAN_GATEWAY_LOG_LEVEL": "INFO",
        })
        full_env.update({k if k.startswith("QINGYUAN_") else "QINGYUAN_GATEWAY_" + k: v for k, v in env.items()})
        self.offset = os.path.getsize(log_path) if os.path.exists(log_path) else 0
        self.log = open(log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "qingyuan.gateway", "--sink", "qingyuan.gateway.tests.sqlite_sink:from_env"],
            env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
        )
        self.port = self._wait_listening()

    def _wait_listening(self, timeout: float = 20.0) -> int:
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as fh:
                fh.seek(self.offset)
                found = re.findall(rb"gateway listening on [^\s:]+:(\d+)", fh.read())
            if len(found) and self.proc.poll() is None:
                return int(found[-1])
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.kill()
        with open(self.log_path, "rb") as fh:
            raise RuntimeError("gateway did not start:\n" + fh.read().decode(errors="replace")[-3000:])

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        self.log.close()

    def terminate(self, timeout: float = 20.0) -> int:
        import signal

        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self.log.close()
        return code
