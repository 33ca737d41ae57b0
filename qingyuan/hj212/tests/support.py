"""Shared helpers for the hj212 tests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qingyuan.hj212 import NEED_DATA, Decoder, InvalidFrame, Packet

DATA = Path(__file__).parent / "data"


def load(name: str) -> list[dict[str, Any]]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


VECTORS = load("vectors.jsonl")
CORPUS = load("corpus_thirdparty.jsonl")


def drain(decoder: Decoder) -> list[Packet | InvalidFrame]:
    events: list[Packet | InvalidFrame] = []
    while True:
        event = decoder.next_event()
        if event is NEED_DATA:
            return events
        events.append(event)


def decode(chunks: Iterable[bytes], *, eof: bool = True, **kwargs: Any) -> list[Packet | InvalidFrame]:
    """Feed chunks one by one, draining after each, then EOF."""
    kwargs.setdefault("max_buffer", None)
    decoder = Decoder(**kwargs)
    events: list[Packet | InvalidFrame] = []
    for chunk in chunks:
        decoder.receive_data(chunk)
        events.extend(drain(decoder))
    if eof:
        decoder.receive_data(b"")
        events.extend(drain(decoder))
    return events


def bytewise(data: bytes) -> list[bytes]:
    return [data[k : k + 1] for k in range(len(data))]


def packets(events: list[Packet | InvalidFrame]) -> list[Packet]:
    return [e for e in events if isinstance(e, Packet)]


def invalid(events: list[Packet | InvalidFrame]) -> list[InvalidFrame]:
    return [e for e in events if isinstance(e, InvalidFrame)]


def summary(events: list[Packet | InvalidFrame]) -> list[tuple[str, object]]:
    """Comparable description of events (for whole vs chunked comparisons)."""
    out: list[tuple[str, object]] = []
    for e in events:
        if isinstance(e, Packet):
            out.append(("packet", e.raw))
        else:
            out.append((e.reason.name, e.data))
    return out
