"""Group commit: packets from every connection go to the sink in batches.

All sink calls run in ONE dedicated thread (:class:`SinkThread`); the event
loop never blocks on the database. The :class:`Batcher` keeps one FIFO queue of
:class:`Pending` packets, starts a ``store`` when ``batch_size`` packets are
waiting or the oldest has waited ``batch_delay``, runs one store at a time (a
second may wait in the thread's queue, see ``MAX_IN_FLIGHT``), and hands each
packet's outcome back to its connection, which answers. The outcomes come back
the moment the sink reports its commit (``Sink.store``'s ``committed``); the
work a sink does after its commit (alarm evaluation) runs in the sink thread
while the replies are written, and the next store starts when it ends.

When ``store`` raises, the batch is bisected inside the sink thread to find
packets that fail on their own (a "poison" packet): those are dropped without
acknowledgement and logged. When everything fails (the database is down) the
whole batch is put back at the head of the queue and retried with exponential
backoff; a packet that keeps failing for ``RETRY_LIMIT`` seconds is dropped
without acknowledgement. The device retransmits what it did not get a 9014 for.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from .config import GatewayConfig
from .logmask import masked_logger
from .sink import Committed, InvalidReceived, Outcome, Received, Sink, Verdict
from .stats import Stats

log = masked_logger("qingyuan.gateway")  # every PW= in its lines is masked

T = TypeVar("T")

RETRY_LIMIT = 30.0  # seconds a packet may keep failing before it is dropped unacknowledged
MAX_INVALID_BACKLOG = 10_000  # rejected frames kept for record_invalid between two flushes
# Two flushes may be handed to the sink thread at once: the second starts the moment the
# first ends, without waiting for the event loop to hear of it (the loop may be busy
# decoding), so the sink is never idle while packets wait. The thread still runs one
# call at a time, in order. Only a full batch is queued behind a running store: a partial
# one keeps growing until that store ends, so at moderate rates the per-batch cost (a
# transaction, lookups, alarm evaluation) is paid for many packets, not a handful.
MAX_IN_FLIGHT = 2


class SinkThread:
    """The one thread every sink call runs in, in submission order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qingyuan-sink")
        self._sink: Sink | None = None
        self.closed = False

    @property
    def sink(self) -> Sink:
        if self._sink is None:
            raise RuntimeError("sink not opened yet")
        return self._sink

    async def open(self, factory: Callable[[], Sink]) -> Sink:
        self._sink = await self.loop.run_in_executor(self.executor, factory)
        return self._sink

    def run(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        return self.loop.run_in_executor(self.executor, fn, *args)

    async def close(self) -> None:
        self.closed = True
        close = getattr(self._sink, "close", None)
        if callable(close):
            try:
                await self.run(close)
            except Exception:
                log.exception("sink close failed")
        self.executor.shutdown(wait=True)


class Owner(Protocol):
    """The connection packets came from: told when some of its packets have an outcome."""

    def resolved(self) -> None: ...


class Pending:
    """A packet waiting for its outcome; the ``Received`` plus where to answer."""

    __slots__ = ("received", "owner", "size", "outcome", "done")

    def __init__(self, received: Received, owner: Owner) -> None:
        self.received = received
        self.owner = owner
        self.size = len(received.packet.raw)
        self.outcome: Outcome | None = None
        self.done = False


def store_batch(sink: Sink, batch: Sequence[Received], committed: Committed | None = None) -> list[Outcome | None]:
    """``sink.store`` with poison isolation; a packet that failed alone while others
    succeeded is tried once more on its own (the database may just have come back).

    ``committed`` is handed to the first store of the whole batch only (see ``Sink.store``):
    the common case, where the gateway answers the moment the batch commits. The stores of
    a bisection answer when they return."""
    outcomes = store_isolating(sink, batch, committed)
    if None in outcomes and any(o is not None for o in outcomes):
        for i, outcome in enumerate(outcomes):
            if outcome is None:
                try:
                    outcomes[i] = list(sink.store([batch[i]]))[0]
                except Exception:
                    log.exception("packet from %s failed alone twice: dropped unacknowledged", batch[i].peer)
    return outcomes


def store_isolating(sink: Sink, batch: Sequence[Received], committed: Committed | None = None,
                    ) -> list[Outcome | None]:
    """``sink.store`` the batch; on failure bisect to isolate packets that fail alone.

    Returns one outcome per packet, ``None`` where the packet could not be stored.
    Runs in the sink thread. If the left half fails completely, the right half is
    tried once as a whole and, failing too, everything is reported failed (the
    sink is down, not one packet): at most about 2*log2(n) calls. A store that
    raises after it reported its commit (``committed``) is not retried: its
    outcomes stand.
    """
    reported: list[list[Outcome]] = []

    def report(outcomes: Sequence[Outcome]) -> None:
        got = list(outcomes)
        if len(got) != len(batch):  # answered when store returns, or found failing there
            log.error("store reported %d outcomes for %d packets", len(got), len(batch))
            return
        reported.append(got)
        if committed is not None:
            committed(got)

    try:
        outcomes = list(sink.store(batch, report) if committed is not None else sink.store(batch))
        if len(outcomes) != len(batch):
            raise RuntimeError(f"store returned {len(outcomes)} outcomes for {len(batch)} packets")
        return outcomes  # type: ignore[return-value]
    except Exception:
        if reported:
            log.exception("the work after a committed store of %d packets failed", len(batch))
            stood: list[Outcome | None] = list(reported[0])
            return stood
        log.exception("store failed for a batch of %d packets", len(batch))
    if len(batch) == 1:
        return [None]
    mid = len(batch) // 2
    left = store_isolating(sink, batch[:mid])
    if all(o is None for o in left):
        try:
            right: list[Outcome | None] = list(sink.store(batch[mid:]))
            if len(right) != len(batch) - mid:
                raise RuntimeError("store returned the wrong number of outcomes")
        except Exception:
            log.exception("store failed again: treating the sink as unavailable")
            return [None] * len(batch)
        return left + right
    return left + store_isolating(sink, batch[mid:])


class Batcher:
    def __init__(
        self,
        thread: SinkThread,
        config: GatewayConfig,
        stats: Stats,
        *,
        on_saturated: Callable[[bool], None] = lambda saturated: None,
        on_stored: Callable[[], None] = lambda: None,
    ) -> None:
        self.thread = thread
        self.loop = thread.loop
        self.config = config
        self.stats = stats
        self.on_saturated = on_saturated
        self.on_stored = on_stored
        self.queue: collections.deque[Pending] = collections.deque()
        self.invalid: list[InvalidReceived] = []
        self.calls: list[tuple[Callable[..., object], tuple[Any, ...]]] = []  # session events
        self.in_flight = 0  # flushes handed to the sink thread and not finished
        self.saturated = False
        self.flush_now = False  # shutdown: do not wait for batch_delay
        self._timer: asyncio.TimerHandle | None = None
        self._retry_at = 0.0
        self._requeued = 0  # packets put back at the head of the queue after a failed store
        self._backoff = config.store_retry_delay
        self._idle = asyncio.Event()
        self._idle.set()

    # -- intake (event loop) -------------------------------------------------
    def submit(self, pending: Pending) -> None:
        self.queue.append(pending)
        self._idle.clear()
        n = len(self.queue)
        self.stats.sink_queue = n
        if n > self.stats.sink_queue_peak:
            self.stats.sink_queue_peak = n
        if n >= self.config.sink_queue_high and not self.saturated:
            self.saturated = True
            self.stats.sink_paused += 1
            log.warning("sink queue saturated (%d packets waiting): pausing reads", n)
            self.on_saturated(True)
        self._schedule()

    def submit_invalid(self, frame: InvalidReceived) -> None:
        if len(self.invalid) < MAX_INVALID_BACKLOG:
            self.invalid.append(frame)
            self._idle.clear()
            self._schedule()

    def submit_call(self, fn: Callable[..., object], *args: Any) -> None:
        """A sink call with no answer (session events): made in the next flush, in order.

        Batching them costs one thread hand-off per flush instead of one per event,
        which matters when thousands of devices connect or drop at once.
        """
        self.calls.append((fn, args))
        self._idle.clear()
        self._schedule()

    async def drain(self) -> None:
        """Store everything queued now, and return once nothing is queued or storing."""
        self.flush_now = True
        self._schedule()
        await self._idle.wait()

    # -- scheduling ----------------------------------------------------------
    def _schedule(self) -> None:
        if self.in_flight >= MAX_IN_FLIGHT or self.thread.closed or not (self.queue or self.invalid or self.calls):
            return
        partial = self.queue and len(self.queue) < self.config.batch_size and not self.flush_now
        if partial and self.in_flight:
            return  # it grows while the running store lasts and starts when that ends (group commit)
        now = self.loop.time()
        at = max(self._retry_at, now)
        if partial:
            waited = time.time() - self.queue[0].received.received_at
            at = max(at, now + self.config.batch_delay - waited)
        if at <= now:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._start()
        elif self._timer is None or self._timer.when() > at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self.loop.call_at(at, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._schedule()

    def _start(self) -> None:
        n = min(len(self.queue), self.config.batch_size)
        batch = [self.queue.popleft() for _ in range(n)]
        self._requeued = max(0, self._requeued - n)
        invalid, self.invalid = self.invalid, []
        calls, self.calls = self.calls, []
        self.stats.sink_queue = len(self.queue)
        self.in_flight += 1
        fut = self.thread.run(self._flush_in_thread, batch, invalid, calls)
        fut.add_done_callback(lambda f: self._finished(batch, f))

    def _flush_in_thread(
        self,
        pending: list[Pending],
        invalid: list[InvalidReceived],
        calls: list[tuple[Callable[..., object], tuple[Any, ...]]],
    ) -> list[Outcome | None]:
        sink = self.thread.sink
        for fn, args in calls:
            try:
                fn(*args)
            except Exception:
                log.exception("sink call %s failed", getattr(fn, "__name__", fn))
        if invalid:
            try:
                sink.record_invalid(invalid)
            except Exception:
                log.exception("record_invalid failed for %d frames", len(invalid))
        if not pending:
            return []

        def committed(outcomes: Sequence[Outcome]) -> None:  # answered now, before the sink's later work
            self.loop.call_soon_threadsafe(self._committed, pending, list(outcomes))

        return store_batch(sink, [p.received for p in pending], committed)

    # -- completion (event loop) ---------------------------------------------
    def _committed(self, batch: list[Pending], outcomes: Sequence[Outcome | None]) -> None:
        """The sink committed the batch and goes on with its later work: answer now."""
        if not any(p.done for p in batch):
            self._resolve(batch, outcomes)

    def _finished(self, batch: list[Pending], fut: asyncio.Future[list[Outcome | None]]) -> None:
        self.in_flight -= 1
        self.stats.store_calls += 1
        try:
            outcomes = fut.result()
        except BaseException as exc:  # the executor itself failed (e.g. shut down)
            log.error("sink thread failed: %r", exc)
            outcomes = [None] * len(batch)
        if batch and all(p.done for p in batch):
            pass  # answered when the sink reported its commit
        elif batch and all(o is None for o in outcomes):
            self._retry(batch)
        else:
            self._backoff = self.config.store_retry_delay
            self._retry_at = 0.0
            self._resolve(batch, outcomes)
        if self.saturated and len(self.queue) <= self.config.sink_queue_low:
            self.saturated = False
            log.info("sink queue below %d: resuming reads", self.config.sink_queue_low)
            self.on_saturated(False)
        if not (self.queue or self.invalid or self.calls or self.in_flight):
            self._idle.set()
        self._schedule()

    def _retry(self, batch: list[Pending]) -> None:
        self.stats.store_errors += 1
        now = time.time()
        keep: list[Pending] = []
        dropped: list[Pending] = []
        for p in batch:
            young = now - p.received.received_at < RETRY_LIMIT
            (keep if young and not self.flush_now else dropped).append(p)
        if dropped:
            log.error("dropping %d packets unacknowledged after failed stores", len(dropped))
            self._resolve(dropped, [None] * len(dropped))
        # back at the head, behind packets of an earlier batch that failed too
        earlier = [self.queue.popleft() for _ in range(min(self._requeued, len(self.queue)))]
        self.queue.extendleft(reversed(earlier + keep))
        self._requeued = len(earlier) + len(keep)
        self.stats.sink_queue = len(self.queue)
        self._retry_at = self.loop.time() + self._backoff
        self._backoff = min(self._backoff * 2, self.config.store_retry_cap)

    def _resolve(self, batch: Sequence[Pending], outcomes: Sequence[Outcome | None]) -> None:
        """Record each outcome, then tell each connection once (one write per connection)."""
        stats = self.stats
        stored = False
        owners: dict[int, Owner] = {}
        for pending, outcome in zip(batch, outcomes, strict=True):
            if outcome is None:
                stats.store_failed += 1
            elif outcome.verdict is Verdict.STORED:
                stats.stored += 1
                stored = True
            elif outcome.verdict is Verdict.DUPLICATE:
                stats.duplicates += 1
            elif outcome.verdict is Verdict.QUARANTINED:
                stats.quarantined += 1
            else:
                stats.rejected += 1
            pending.outcome = outcome
            pending.done = True
            owners.setdefault(id(pending.owner), pending.owner)
        for owner in owners.values():
            try:
                owner.resolved()
            except Exception:
                log.exception("answering packets failed")
        if stored:
            self.on_stored()
