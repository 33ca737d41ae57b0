"""Benchmark: HJ 212 decode throughput on one core.

Builds realistic 2051 (minute) uploads, water (6 factors with Min/Avg/Max/Cou/Flag)
and flue gas (9 factors, some with Zs values; above the standard's 1024 bytes, as
many real ones are), streams them through ``qingyuan.hj212.Decoder`` in 4 KiB
chunks and compares with a loop that only checks the CRC of the same frames.

What is measured as "decoded": framing, CRC, header, and for every packet what
ingest stores, read back from the Packet: ``cp.data_time`` and, for every factor
in ``cp.params``, a row of code, avg, min, max, cou and flag. Every ``Param`` is
built whole when the CP is parsed, so reading more attributes would add only
the reads. The one thing built on first read is ``cp.fields`` (the flat
key -> value map), which ingest does not read for uploads; the second figure
reads it for every packet as well. Before timing, the decoded values of the
first packets are checked against the plain (generic) CP parser.

Single-threaded and pinned to one CPU where the OS allows it; the figures are
packets per second of this process's CPU time (best of ``--rounds``, with the
median), which leaves out time the scheduler gave to other processes (but not
the slow-down they cause on a shared machine: compare reference_sum_range_1000_us).

Hostile input: the CPU time to discard 1 MiB of each garbage pattern below, fed
in 4 KiB chunks and drained after each (target < 50 ms each; a decoder that
emits an event per byte takes seconds), with the number of events it gave.

    .venv/bin/python bench/hj212_decode.py [--packets N] [--rounds R] [--no-pin] [--hostile-only]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from timing import Timing  # noqa: E402

from qingyuan.hj212 import NEED_DATA, Decoder, Packet, build_packet, crc16  # noqa: E402
from qingyuan.hj212.cp import _parse_generic  # noqa: E402

WATER = ["w00000", "w01001", "w01018", "w21003", "w21011", "w21001"]
GAS = ["a00000", "a01011", "a01012", "a01013", "a01014", "a19001", "a21026", "a21002", "a34013"]
ZS = {"a21026", "a21002", "a34013"}


def _minute_packet(rng: random.Random, k: int) -> bytes:
    water = k % 2 == 0
    minute = k % 1440
    data_time = f"20240115{minute // 60:02d}{minute % 60:02d}00"
    cp: dict[str, str] = {"DataTime": data_time}
    for code in WATER if water else GAS:
        low = rng.uniform(0.1, 50)
        high = low + rng.uniform(0, 20)
        cp[f"{code}-Min"] = f"{low:.3f}"
        cp[f"{code}-Avg"] = f"{(low + high) / 2:.3f}"
        cp[f"{code}-Max"] = f"{high:.3f}"
        if code in ZS:
            cp[f"{code}-ZsMin"] = f"{low * 1.1:.3f}"
            cp[f"{code}-ZsAvg"] = f"{(low + high) * 0.55:.3f}"
            cp[f"{code}-ZsMax"] = f"{high * 1.1:.3f}"
        if code != "w01001":
            cp[f"{code}-Cou"] = f"{rng.uniform(0, 900):.3f}"
        cp[f"{code}-Flag"] = "N" if rng.random() > 0.05 else "D"
    return build_packet(
        st="32" if water else "31",
        cn="2051",
        pw="123456",
        mn=f"3301{k % 50:020d}",
        qn=f"20240115{minute // 60:02d}{minute % 60:02d}00{k % 1000:03d}",
        flag=5,
        cp=cp,
    )


def decode_all(stream: bytes, chunk: int = 4096, with_fields: bool = False) -> int:
    decoder = Decoder(max_buffer=None)
    count = params = 0
    row: tuple[object, ...] = ()
    for start in range(0, len(stream), chunk):
        decoder.receive_data(stream[start : start + chunk])
        while True:
            event = decoder.next_event()
            if event is NEED_DATA:
                break
            if isinstance(event, Packet):
                count += 1
                cp = event.cp
                if cp.data_time is None or (with_fields and not cp.fields):
                    raise AssertionError(event)
                for param in cp.params.values():  # the row ingest stores for each factor
                    row = (param.code, param.avg, param.min, param.max, param.cou, param.flag)
                params += len(cp.params)
    assert params > count * 6 and isinstance(row[2], float)
    return count


def decode_with_fields(stream: bytes) -> int:
    return decode_all(stream, with_fields=True)


def check_values(frames: list[bytes]) -> None:
    """The decoded params equal what the plain (generic) CP parser gives."""
    for frame in frames[:200]:
        (packet,) = [e for e in _events(frame) if isinstance(e, Packet)]
        text = packet.segment.split(";CP=&&", 1)[1][:-2]
        assert packet.cp == _parse_generic(text, packet.st, []), frame
        assert dict(packet.cp.fields) == dict(kv.split("=") for kv in text.replace(";", ",").split(","))


def _events(frame: bytes) -> list[object]:
    decoder = Decoder()
    decoder.receive_data(frame)
    events: list[object] = []
    while (event := decoder.next_event()) is not NEED_DATA:
        events.append(event)
    return events


MIB = 1 << 20


def _repeat(unit: bytes, size: int = MIB) -> bytes:
    return (unit * (size // len(unit) + 1))[:size]


def hostile_patterns() -> dict[str, bytes]:
    """1 MiB of each kind of garbage a hostile or broken peer can send."""
    rng = random.Random(10)
    return {
        "hash_run": _repeat(b"#"),  # a run of '#'
        "hash_pairs_junk": _repeat(b"##x#"),  # '##' followed by junk
        "endless_digits": b"##" + _repeat(b"1234567890", MIB - 2),  # a length field that never ends
        "huge_length": _repeat(b"##9999" + b"x" * 90),  # claims 9999 bytes, again and again
        "zero_length": _repeat(b"##0000"),
        "zero_length_crlf": _repeat(b"##0000\r\n"),
        "random_bytes": rng.randbytes(MIB),
        "header_crlf": _repeat(b"##0010xxxx\r\n"),  # a CR LF where a frame could end, never a CRC
    }


def discard(stream: bytes, chunk: int = 4096) -> int:
    """Feed garbage in ``chunk``-byte pieces, draining after each; the number of events."""
    decoder = Decoder()
    events = 0
    for start in range(0, len(stream), chunk):
        decoder.receive_data(stream[start : start + chunk])
        while decoder.next_event() is not NEED_DATA:
            events += 1
    decoder.receive_data(b"")
    while decoder.next_event() is not NEED_DATA:
        events += 1
    return events


def report_hostile(rounds: int) -> None:
    worst, worst_name = 0.0, ""
    for name, stream in hostile_patterns().items():
        _, cpu, median, events = _best(discard, stream, rounds)
        if cpu > worst:
            worst, worst_name = cpu, name
        print(f"discard_1mib_{name}_ms={cpu * 1000:.1f}  (CPU time, median {median * 1000:.1f}; events={events})")
    print(f"target_discard_50ms_met={'yes' if worst < 0.05 else 'no'}  (worst: {worst_name})")


def crc_only(frames: list[bytes]) -> int:
    ok = 0
    for frame in frames:
        if f"{crc16(frame[6:-6]):04X}" == frame[-6:-2].decode("ascii"):
            ok += 1
    return ok


def _best(fn: object, arg: object, rounds: int) -> tuple[float, float, float, int]:
    """Best wall-clock, best and median CPU time in seconds (this process only) over ``rounds`` runs."""
    timing = Timing()
    result = 0
    for _ in range(rounds):
        with timing.measure():
            result = fn(arg)  # type: ignore[operator]
    return timing.wall.least / 1000, timing.cpu.least / 1000, timing.cpu.p50 / 1000, result


def _pin_one_cpu() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned"
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def _reference_loop_us() -> float:
    """Speed of this interpreter on this machine right now: sum(range(1000)), best of 200.

    A typical 2020s laptop runs it in about 8-10 us on CPython 3.11; a slower or
    busy machine scales every figure above roughly by the same factor.
    """
    best = float("inf")
    for _ in range(200):
        start = time.perf_counter()
        sum(range(1000))
        best = min(best, time.perf_counter() - start)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-pin", action="store_true", help="let the OS move the process between CPUs")
    parser.add_argument("--hostile-only", action="store_true", help="only the garbage-discarding figures")
    args = parser.parse_args()
    pinned = "not pinned" if args.no_pin else _pin_one_cpu()
    if args.hostile_only:
        print(f"hostile input, 1 MiB per pattern in 4 KiB chunks, rounds={args.rounds} (best of) {pinned}")
        report_hostile(args.rounds)
        return
    rng = random.Random(212)
    frames = [_minute_packet(rng, k) for k in range(args.packets)]
    stream = b"".join(frames)
    check_values(frames)
    n = len(frames)
    decode_wall, decode_cpu, decode_median, decoded = _best(decode_all, stream, args.rounds)
    fields_wall, fields_cpu, fields_median, _ = _best(decode_with_fields, stream, args.rounds)
    crc_wall, crc_cpu, crc_median, verified = _best(crc_only, frames, args.rounds)
    assert decoded == verified == n
    # CPU time of this process is the "one core" figure: it does not count time
    # the scheduler gave to other processes on a shared machine.
    decode_rate = n / decode_cpu
    crc_rate = n / crc_cpu
    print(f"packets={n} mean_bytes={len(stream) / n:.0f} rounds={args.rounds} (best of; median in brackets) {pinned}")
    print(f"decode_2051_per_s={decode_rate:,.0f}  (CPU time, median {n / decode_median:,.0f}; wall clock {n / decode_wall:,.0f})")
    print(f"decode_2051_with_fields_per_s={n / fields_cpu:,.0f}  (also reads cp.fields; median {n / fields_median:,.0f})")
    print(f"crc_only_per_s={crc_rate:,.0f}  (CPU time, median {n / crc_median:,.0f}; wall clock {n / crc_wall:,.0f})")
    print(f"ratio={decode_rate / crc_rate:.3f}  (decode rate / CRC-only rate)")
    print(f"decode_us_per_packet={1e6 / decode_rate:.1f} crc_us_per_packet={1e6 / crc_rate:.1f}")
    print(f"target_40000_met={'yes' if decode_rate >= 40000 else 'no'}")
    report_hostile(args.rounds)
    print(f"reference_sum_range_1000_us={_reference_loop_us():.1f}  (machine speed; see _reference_loop_us)")


if __name__ == "__main__":
    main()
