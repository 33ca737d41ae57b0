"""The simulated devices' load on gateways, shared by bench/gateway_e2e.py and bench/province.py: each
device a connection that sends re-stamped frames (A=1) and matches the 9014s that come back by QN; a
run warms up, then counts the acknowledged packets and their latency (send -> 9014) for the measured
seconds, then lets the gateways drain. Not a benchmark: run directly, it prints one line and exits.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Protocol

QN_RE = re.compile(rb"QN=(\d+);")


class Frames(Protocol):
    """Builds device ``device``'s next frame of command ``cn`` with the QN ``qn`` (gateway_e2e.DeviceTemplates)."""

    def build(self, device: int, cn: str, qn: str) -> bytes: ...


class Load:
    def __init__(self, port: int, devices: int, window: int, first_qn: int, templates: Frames) -> None:
        self.port = port
        self.devices = devices
        self.window = window
        self.next_qn = first_qn
        self.sent_at: dict[bytes, float] = {}
        self.latencies: list[float] = []
        self.acked = 0
        self.measuring = False
        self.stop = False
        self.writers: dict[int, asyncio.StreamWriter] = {}
        self.pool: dict[int, list[tuple[bytes, bytes]]] = {}
        self.load_cpu = 0.0  # the load generator's own CPU use while measuring (1.0 = one core)
        self.templates = templates

    def prebuild(self, count: int) -> None:
        """Build each device's packets before the clock starts: a logger has its data ready too."""
        per_device = count // self.devices + 1
        self.pool = {i: [self._build(i) for _ in range(per_device)][::-1] for i in range(self.devices)}

    def _build(self, device: int) -> tuple[bytes, bytes]:
        n = self.next_qn
        self.next_qn += 1
        qn = f"2{n:016d}"
        return qn.encode(), self.templates.build(device, "2051" if n % 2 else "2011", qn)

    def packet(self, device: int) -> tuple[bytes, bytes]:
        pool = self.pool.get(device)
        return pool.pop() if pool else self._build(device)

    def acknowledged(self, rest: bytes, chunk: bytes, now: float) -> tuple[bytes, int]:
        """Match the acknowledgements in ``rest + chunk`` (complete lines) to the packets sent, counting them and
        their latency while measuring; returns the incomplete line left over and how many packets matched."""
        data = rest + chunk
        cut = data.rfind(b"\r\n") + 2
        matched = 0
        for qn in QN_RE.findall(data[:cut]):
            sent = self.sent_at.pop(qn, None)
            if sent is None:
                continue
            matched += 1
            if self.measuring:
                self.acked += 1
                self.latencies.append(now - sent)
        return data[cut:], matched

    async def device(self, i: int, paced: bool) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writers[i] = writer
        outstanding = 0
        rest = b""
        wake = asyncio.Event()

        async def receive() -> None:
            nonlocal outstanding, rest
            while chunk := await reader.read(65536):
                rest, matched = self.acknowledged(rest, chunk, time.perf_counter())
                outstanding -= matched
                wake.set()

        reader_task = asyncio.create_task(receive())
        try:
            while not self.stop and not paced:  # as fast as the window allows
                room = self.window - outstanding
                if room > 0:
                    self._send(i, writer, room)
                    outstanding += room
                wake.clear()
                await wake.wait()
            while not self.stop:  # paced by the central ticker
                await asyncio.sleep(0.1)
            await reader_task  # keep reading the 9014s still due: measure() ends the task once they are in
        finally:
            reader_task.cancel()
            writer.close()

    async def pace(self, rate: float, period: float = 0.05, tick: float = 0.01) -> None:
        """Each device writes what is due every ``period`` (staggered over ticks), so a
        device pipelines a few packets per write at high rates and one at low rates."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        per_device = rate / self.devices
        sent = [0] * self.devices
        groups = max(1, round(period / tick))
        k = 0
        while not self.stop:
            elapsed = loop.time() - start
            for i in range(k % groups, self.devices, groups):
                due = int(elapsed * per_device) - sent[i]
                writer = self.writers.get(i)
                if due > 0 and writer is not None:
                    self._send(i, writer, due)
                    sent[i] += due
            k += 1
            await asyncio.sleep(tick)

    def _send(self, i: int, writer: asyncio.StreamWriter, count: int) -> None:
        now = time.perf_counter()
        chunks = []
        for _ in range(count):
            qn, data = self.packet(i)
            self.sent_at[qn] = now
            chunks.append(data)
        writer.write(b"".join(chunks))

    async def run(self, seconds: float, rate: float | None, warmup: float = 2.0) -> tuple[float, float]:
        tasks = [asyncio.create_task(self.device(i, rate is not None)) for i in range(self.devices)]
        while len(self.writers) < self.devices:  # every device connected before the clock starts
            await asyncio.sleep(0.01)
        if rate is not None:
            tasks.append(asyncio.create_task(self.pace(rate)))
        return await self.measure(tasks, seconds, warmup)

    async def measure(self, tasks: list[asyncio.Task[None]], seconds: float, warmup: float) -> tuple[float, float]:
        """With the load running: ``warmup`` seconds, then count acknowledgements for ``seconds``; stop the
        devices, let the gateways drain (60 s at most), end ``tasks``. Returns (acknowledged/s, seconds measured)."""
        await asyncio.sleep(warmup)
        self.measuring = True
        t0, cpu0 = time.perf_counter(), time.process_time()
        await asyncio.sleep(seconds)
        self.measuring = False
        elapsed = time.perf_counter() - t0
        self.load_cpu = (time.process_time() - cpu0) / elapsed
        self.stop = True
        deadline = time.perf_counter() + 60
        while self.sent_at and time.perf_counter() < deadline:  # let the gateways drain
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return self.acked / elapsed, elapsed


if __name__ == "__main__":
    print("bench/device_load.py: the simulated devices of bench/gateway_e2e.py and bench/province.py, not a benchmark")
