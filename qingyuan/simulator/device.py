"""One simulated data logger: one TCP connection, scheduled uploads, acknowledgements, commands.

Standard library + ``qingyuan.hj212``. The logger behaves as HJ 212-2017 §6.4
asks: it waits ``over_time`` seconds for the 9014 of an upload that requested
one and sends the same frame again, at most ``re_count`` times; it answers the
platform's commands with 9011 (QnRtn), the data asked for, and 9012 (ExeRtn);
after a lost connection it reconnects with backoff and retransmits what was
not acknowledged. Minute and hour data missed during an outage are sent after
it (补传); real-time data is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import zlib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from qingyuan.hj212 import NEED_DATA, Decoder, Packet, ProtocolError, parse_time
from qingyuan.hj212.commands import MIN_INTERVALS, RTD_INTERVAL_RANGE

from .packets import Builder, DeviceSpec, Upload, hj_time
from .scenarios import SKEW

log = logging.getLogger("qingyuan.simulator")
ZONE = ZoneInfo("Asia/Shanghai")


@dataclass
class Options:
    host: str = "127.0.0.1"
    port: int = 9212
    speed: float = 1.0  # simulated seconds per real second
    over_time: float = 10.0  # seconds to wait for a 9014 (OverTime)
    re_count: int = 3  # retransmissions before giving up (ReCount)
    backfill_hours: float = 0.0
    window: int = 16  # unacknowledged uploads in flight per device
    realtime: bool = True
    reconnect_cap: float = 10.0
    start: dt.datetime | None = None  # the simulated clock's start (local, naive); None: now


@dataclass
class FleetStats:
    sent: int = 0  # uploads written (first attempts)
    acked: int = 0
    retransmitted: int = 0
    gave_up: int = 0  # no 9014 after ReCount retransmissions
    dropped: int = 0  # real-time data not sent while disconnected
    commands: int = 0
    connects: int = 0
    acked_qns: dict[str, set[str]] = field(default_factory=dict)  # MN -> QNs acknowledged (tests)
    keep_qns: bool = False

    def line(self) -> str:
        return (f"sent {self.sent}, acknowledged {self.acked}, retransmitted {self.retransmitted} "
                f"(no acknowledgement in time), gave up {self.gave_up} (still unacknowledged after the retries: "
                f"expected from the deliberately faulty loggers, which the gateway refuses or quarantines), "
                f"dropped {self.dropped} (real-time values not sent while a logger was offline), "
                f"commands {self.commands}, connects {self.connects}")


class Clock:
    """Simulated local time (naive, Asia/Shanghai): starts now, runs ``speed`` times faster."""

    def __init__(self, speed: float = 1.0, start: dt.datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.start = start or dt.datetime.now(ZONE).replace(tzinfo=None, microsecond=0)
        self._t0 = asyncio.get_running_loop().time()

    def now(self) -> dt.datetime:
        elapsed = asyncio.get_running_loop().time() - self._t0
        return self.start + dt.timedelta(seconds=elapsed * self.speed)

    def real_seconds(self, simulated: dt.timedelta) -> float:
        return max(0.0, simulated.total_seconds() / self.speed)


def _ceil(when: dt.datetime, step: dt.timedelta) -> dt.datetime:
    """The first multiple of ``step`` (counted from midnight) strictly after ``when``."""
    midnight = when.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = int((when - midnight) / step) + 1
    return midnight + steps * step


class Device:
    def __init__(self, spec: DeviceSpec, options: Options, clock: Clock, stop: asyncio.Event,
                 stats: FleetStats) -> None:
        self.spec = spec
        self.options = options
        self.clock = clock
        self.stop = stop
        self.stats = stats
        self.builder = Builder(spec)
        self.skew = SKEW if "clock_skew" in spec.scenarios else dt.timedelta()
        self.rtd_interval = spec.rtd_interval
        self.min_interval = spec.min_interval
        self.realtime_on = options.realtime
        self.writer: asyncio.StreamWriter | None = None
        self.connected = asyncio.Event()
        self.pending: dict[str, asyncio.Future[None]] = {}
        self.window = asyncio.Semaphore(options.window)
        self.wake = asyncio.Event()  # schedule changed (a command)
        self.tasks: set[asyncio.Task[object]] = set()

    # -- time -------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        """The logger's own clock (simulated time plus its skew)."""
        return self.clock.now() + self.skew

    def in_outage(self) -> bool:
        return self.builder.behaviour.active("outage", self.now())

    # -- lifecycle ----------------------------------------------------------------------
    async def run(self) -> None:
        """Run until the fleet's stop event: whatever is in flight then is abandoned."""
        link = asyncio.create_task(self._link(), name=f"link-{self.spec.mn}")
        body = asyncio.create_task(self._body(), name=f"device-{self.spec.mn}")
        stopper = asyncio.create_task(self.stop.wait())
        try:
            await asyncio.wait({body, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            tasks = [body, stopper, link, *self.tasks]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._disconnect()
        if body.done() and not body.cancelled() and body.exception() is not None:
            raise body.exception()  # type: ignore[misc]

    async def _body(self) -> None:
        if self.options.backfill_hours > 0:
            await self._backfill(dt.timedelta(hours=self.options.backfill_hours))
        await self._schedule()

    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[arg-type]
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # -- connection ---------------------------------------------------------------------
    async def _link(self) -> None:
        backoff = 0.5
        while not self.stop.is_set():
            if self.in_outage():
                self._disconnect()
                await self._sleep(dt.timedelta(minutes=1))
                continue
            try:
                reader, writer = await asyncio.open_connection(self.options.host, self.options.port)
            except OSError as exc:
                log.debug("%s: connect failed: %s", self.spec.mn, exc)
                await self._pause(backoff)
                backoff = min(backoff * 2, self.options.reconnect_cap)
                continue
            backoff = 0.5
            self.writer = writer
            self.stats.connects += 1
            self.connected.set()
            try:
                await self._read(reader)
            except (OSError, ProtocolError) as exc:
                log.debug("%s: connection lost: %s", self.spec.mn, exc)
            finally:
                self._disconnect()
            await self._pause(min(backoff, 1.0))

    def _disconnect(self) -> None:
        self.connected.clear()
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)

    async def _sleep(self, simulated: dt.timedelta) -> None:
        await self._pause(self.clock.real_seconds(simulated))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        decoder = Decoder()
        while chunk := await reader.read(65536):
            if self.in_outage():
                return
            decoder.receive_data(chunk)
            while (event := decoder.next_event()) is not NEED_DATA:
                if isinstance(event, Packet):
                    await self._incoming(event)

    async def _write(self, data: bytes) -> bool:
        """Write once connected; False if the simulator stops first."""
        while not self.stop.is_set():
            if self.writer is None:
                waiter = asyncio.ensure_future(self.connected.wait())
                stopper = asyncio.ensure_future(self.stop.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                stopper.cancel()
                continue
            writer = self.writer
            if writer.is_closing():
                self._disconnect()
                continue
            try:
                writer.write(data)
                await writer.drain()
                return True
            except (OSError, RuntimeError):
                if self.writer is writer:
                    self._disconnect()
        return False

    # -- sending uploads -------------------------------------------------------------------
    async def send(self, upload: Upload) -> bool:
        """Send and, if it asks for one, wait for the 9014; retransmit per OverTime/ReCount."""
        if upload.realtime and self.writer is None:
            self.stats.dropped += 1
            return False
        async with self.window:
            if upload.qn is None:
                ok = await self._write(upload.data)
                self.stats.sent += ok
                return ok
            loop = asyncio.get_running_loop()
            ack: asyncio.Future[None] = loop.create_future()
            self.pending[upload.qn] = ack
            try:
                for attempt in range(1 + self.options.re_count):
                    if not await self._write(self._garble(upload) if attempt == 0 else upload.data):
                        return False
                    if attempt:
                        self.stats.retransmitted += 1
                    else:
                        self.stats.sent += 1
                    try:
                        await asyncio.wait_for(asyncio.shield(ack), self.options.over_time)
                    except TimeoutError:
                        continue
                    self.stats.acked += 1
                    if self.stats.keep_qns:
                        self.stats.acked_qns.setdefault(self.spec.mn, set()).add(upload.qn)
                    return True
                self.stats.gave_up += 1
                log.debug("%s: no 9014 for QN %s after %d retransmissions", self.spec.mn, upload.qn,
                         self.options.re_count)
                return False
            finally:
                self.pending.pop(upload.qn, None)

    def _garble(self, upload: Upload) -> bytes:
        """The frame as first sent: with the bad_crc scenario, one in ten has a wrong CRC."""
        if "bad_crc" not in self.spec.scenarios or zlib.crc32((upload.qn or "").encode()) % 10:
            return upload.data
        crc = upload.data[-6:-2]
        return upload.data[:-6] + (b"0000" if crc != b"0000" else b"FFFF") + b"\r\n"

    async def _send_all(self, uploads: list[Upload]) -> None:
        await asyncio.gather(*(self.send(u) for u in uploads))

    # -- schedule ---------------------------------------------------------------------------
    def history(self, span: dt.timedelta, now: dt.datetime) -> list[tuple[dt.datetime, str]]:
        """(period start, CN) of the minute, hour and day data of the last ``span``, oldest first."""
        periods = []
        for cn, step, wanted in (("2051", dt.timedelta(minutes=self.min_interval), True),
                                 ("2061", dt.timedelta(hours=1), self.spec.hourly),
                                 ("2031", dt.timedelta(days=1), self.spec.daily)):
            t = _ceil(now - span - dt.timedelta(microseconds=1), step)
            while wanted and t + step <= now:
                periods.append((t, cn))
                t += step
        return sorted(periods)

    async def _backfill(self, span: dt.timedelta, chunk: int = 32) -> None:
        """Send the history quickly: built a chunk at a time so the event loop stays responsive."""
        build = {"2051": self.builder.minute, "2061": self.builder.hour, "2031": self.builder.day}
        periods = self.history(span, self.now())
        for start in range(0, len(periods), chunk):
            if self.stop.is_set():
                return
            uploads = [u for t, cn in periods[start:start + chunk] for u in build[cn](t)]
            await self._send_all(uploads)

    async def _schedule(self) -> None:
        now = self.now()
        next_rt = now + dt.timedelta(seconds=self.rtd_interval)
        next_min = _ceil(now, dt.timedelta(minutes=self.min_interval))
        next_hour = _ceil(now, dt.timedelta(hours=1))
        next_day = _ceil(now, dt.timedelta(days=1))
        missed: list[Upload] = []
        while not self.stop.is_set():
            self.wake.clear()
            due = min(next_rt if self.realtime_on else next_day, next_min, next_hour, next_day)
            wait = self.clock.real_seconds(due - self.now())
            if wait > 0:
                waker = asyncio.ensure_future(self.wake.wait())
                stopper = asyncio.ensure_future(self.stop.wait())
                await asyncio.wait({waker, stopper}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
                waker.cancel()
                stopper.cancel()
                if self.wake.is_set():  # an interval changed: recompute the next times
                    now = self.now()
                    next_rt = min(next_rt, now + dt.timedelta(seconds=self.rtd_interval))
                    next_min = _ceil(now, dt.timedelta(minutes=self.min_interval))
                    continue
                if self.stop.is_set():
                    return
            now = self.now()
            out: list[Upload] = []
            if self.realtime_on and now >= next_rt:
                out += self.builder.realtime(next_rt.replace(microsecond=0))
                next_rt = max(next_rt + dt.timedelta(seconds=self.rtd_interval), now)
            if now >= next_min:
                step = dt.timedelta(minutes=self.min_interval)
                out += self.builder.minute(next_min - step)
                next_min += step
            if now >= next_hour:
                if self.spec.hourly:
                    out += self.builder.hour(next_hour - dt.timedelta(hours=1))
                next_hour += dt.timedelta(hours=1)
            if now >= next_day:
                if self.spec.daily:
                    out += self.builder.day(next_day - dt.timedelta(days=1))
                next_day += dt.timedelta(days=1)
            if self.in_outage():  # kept for afterwards, as loggers store what they could not send
                missed += [u for u in out if not u.realtime]
                self.stats.dropped += sum(u.realtime for u in out)
                continue
            if missed:
                out, missed = missed + out, []
            if out:
                self._spawn(self._send_all(out))

    # -- commands -------------------------------------------------------------------------
    async def _incoming(self, p: Packet) -> None:
        if p.cn == "9014":
            ack = self.pending.get(p.qn or "")
            if ack is not None and not ack.done():
                ack.set_result(None)
            return
        if p.cn in ("9013", None) or p.cn.startswith("90"):
            return
        self.stats.commands += 1
        await self._command(p)

    async def _command(self, p: Packet) -> None:
        b, qn, cn, fields = self.builder, p.qn, p.cn or "", p.cp.fields
        ok = "1"
        answer: dict[str, object] | None = None
        if cn == "1012":
            parts = parse_time(fields.get("SystemTime"))
            if parts is None:
                ok = "3"
            else:
                self.skew = dt.datetime(*parts) - self.clock.now()
        elif cn == "1011":
            answer = {"SystemTime": hj_time(self.now())}
        elif cn in ("1061", "1063"):
            answer = {"RtdInterval": self.rtd_interval} if cn == "1061" else {"MinInterval": self.min_interval}
        elif cn == "1062":
            value = _int(fields.get("RtdInterval"))
            ok = "1" if value in RTD_INTERVAL_RANGE else "3"
            if ok == "1":
                self.rtd_interval = value  # type: ignore[assignment]
        elif cn == "1064":
            value = _int(fields.get("MinInterval"))
            ok = "1" if value in MIN_INTERVALS else "3"
            if ok == "1":
                self.min_interval = value  # type: ignore[assignment]
        elif cn == "1000":  # OverTime/ReCount: accepted when both are 1..99
            values = (_int(fields.get("OverTime")), _int(fields.get("ReCount")))
            ok = "1" if all(v is not None and 0 < v <= 99 for v in values) else "3"
        elif cn in ("2011", "2012"):
            self.realtime_on = cn == "2011"
        elif cn == "2021":  # facility status: acknowledged; the simulated logger has no facility to report
            pass
        elif cn == "3020":
            answer = {"DataTime": hj_time(self.now()), "PolId": fields.get("PolId", ""),
                      f"{fields.get('InfoId', 'i12001')}-Info": "0"}
        else:
            await self._write(b.reply("9011", qn, {"QnRtn": "8"}))  # unknown CN
            return
        await self._write(b.reply("9011", qn, {"QnRtn": "1"}))
        if answer is not None:
            await self._write(b.answer(cn, qn, answer))
        if cn not in ("2011", "2012", "2021"):
            await self._write(b.reply("9012", qn, {"ExeRtn": ok}))
        self.wake.set()


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None
