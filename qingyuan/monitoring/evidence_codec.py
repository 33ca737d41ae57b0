"""The bytes of a ``PacketBlock``: a day of one point's raw frames and their index. Pure, no Django.

``data`` is the frames' text concatenated in (received time, id) order, UTF-8 encoded, compressed
as ONE stream (lzma, measured in docs/storage.md: a day's frames compress about 20-fold, since
consecutive frames of one logger differ only in times and values). ``checksum`` is the CRC-32 of
``data`` (as every block's). ``index`` is the per-frame metadata, columnar JSON compressed the
same way, preceded by the CRC-32 of its compressed bytes, so the packet list can read the index
alone and still verify what it reads. Any mismatch, or bytes that do not decompress, raise
:class:`CorruptEvidence`: a block is never read as empty.

A frame is kept byte for byte: its text is sliced out of the decompressed stream by the offsets
the index gives, and decoded with ``surrogatepass`` so any Python string the gateway stored
(``bytes.decode("utf-8", "replace")``: Chinese, U+FFFD, control characters) comes back equal.
"""

from __future__ import annotations

import datetime as dt
import json
import lzma
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

try:  # engineer A's readings codec names the family; evidence errors belong to it
    from qingyuan.monitoring.codec import CorruptBlock as _Base
except ImportError:  # pragma: no cover - only while the readings codec is not there
    _Base = ValueError  # type: ignore[assignment,misc]

ZONE = ZoneInfo("Asia/Shanghai")
CODEC_LZMA = 1  # xz stream, preset LZMA_PRESET (decompression does not depend on the preset)
CODEC_ZLIB = 2  # zlib, level 9
LZMA_PRESET = 2  # measured (docs/storage.md): 6 saves 20 % more bytes at 9x the CPU
INDEX_VERSION = 1
DERIVED_KEY = 1  # in the index: the dedup key is MN|CN|Q<QN>|PNO, rebuilt from the entry
_CRC = struct.Struct(">I")


class CorruptEvidence(_Base):
    """A packet block whose bytes do not verify (checksum) or do not decode."""


@dataclass
class Entry:
    """One frame's metadata, as ``RawPacket`` had it (``id`` is the narrow row's id, kept)."""

    id: int
    received_at: dt.datetime
    peer: str
    connection_id: int | None
    mn: str
    cn: str
    qn: str
    pno: int | None
    pnum: int | None
    data_time: dt.datetime | None
    verdict: str
    reason: str
    duplicates: int
    dedup_key: str | None
    result: Any
    offset: int = 0
    length: int = 0
    text: str | None = field(default=None, repr=False)  # filled when the frames are read


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZONE)


def _micros(moment: dt.datetime, base: dt.datetime) -> int:
    return (moment - base) // dt.timedelta(microseconds=1)


def derived_key(e: Entry) -> str:
    return f"{e.mn}|{e.cn}|Q{e.qn}|{e.pno or 0}"


def compress(raw: bytes, codec: int) -> bytes:
    if codec == CODEC_LZMA:
        return lzma.compress(raw, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, preset=LZMA_PRESET)
    if codec == CODEC_ZLIB:
        return zlib.compress(raw, 9)
    raise ValueError(f"unknown evidence codec {codec}")


def decompress(blob: bytes, codec: int) -> bytes:
    try:
        if codec == CODEC_LZMA:
            return lzma.decompress(blob, format=lzma.FORMAT_XZ)
        if codec == CODEC_ZLIB:
            return zlib.decompress(blob)
    except (lzma.LZMAError, zlib.error, EOFError) as exc:
        raise CorruptEvidence(f"the compressed bytes do not decompress: {exc}") from exc
    raise CorruptEvidence(f"unknown evidence codec {codec}")


def _deltas(values: Sequence[int]) -> list[int]:
    return [v - (values[i - 1] if i else 0) for i, v in enumerate(values)]


def _sums(deltas: Sequence[int]) -> list[int]:
    return list(accumulate(deltas))


def encode_index(day: dt.date, entries: Sequence[Entry], codec: int) -> bytes:
    base = midnight(day)
    columns: dict[str, Any] = {
        "v": INDEX_VERSION, "n": len(entries),
        "id": _deltas([e.id for e in entries]),
        "t": _deltas([_micros(e.received_at, base) for e in entries]),
        "len": [e.length for e in entries],
        "peer": [e.peer for e in entries], "conn": [e.connection_id for e in entries],
        "mn": [e.mn for e in entries], "cn": [e.cn for e in entries], "qn": [e.qn for e in entries],
        "pno": [e.pno for e in entries], "pnum": [e.pnum for e in entries],
        "dt": [None if e.data_time is None else _micros(e.data_time, base) for e in entries],
        "verdict": [e.verdict for e in entries], "reason": [e.reason for e in entries],
        "dup": [e.duplicates for e in entries],
        "key": [DERIVED_KEY if e.dedup_key is not None and e.dedup_key == derived_key(e) else e.dedup_key
                for e in entries],
        "result": [e.result for e in entries],
    }
    packed = compress(json.dumps(columns, ensure_ascii=False, separators=(",", ":")).encode("utf-8",
                                                                                            "surrogatepass"), codec)
    return _CRC.pack(zlib.crc32(packed)) + packed


def _load_index(blob: bytes | memoryview, codec: int) -> Any:
    blob = bytes(blob)
    if len(blob) < _CRC.size or _CRC.unpack_from(blob)[0] != zlib.crc32(blob[_CRC.size:]):
        raise CorruptEvidence("the frame index does not match its checksum")
    try:
        return json.loads(decompress(blob[_CRC.size:], codec).decode("utf-8", "surrogatepass"))
    except (ValueError, TypeError) as exc:
        raise CorruptEvidence(f"the frame index does not decode: {exc}") from exc


def index_ids(blob: bytes | memoryview, codec: int) -> list[int]:
    """Only the packet ids of an index, in its order (CRC-verified as ``decode_index``), without building
    the entries: about a tenth of the cost (``evidence_lookup``, migration 0010)."""
    c = _load_index(blob, codec)
    try:
        ids = _sums(c["id"])
        if len(ids) != c["n"] or not all(isinstance(i, int) for i in ids):
            raise CorruptEvidence("the frame index's ids do not match its count")
    except (KeyError, TypeError) as exc:
        raise CorruptEvidence(f"the frame index does not decode: {exc}") from exc
    return ids


def decode_index(day: dt.date, blob: bytes | memoryview, codec: int) -> list[Entry]:
    """The entries of an index; raises CorruptEvidence when its CRC or its contents are wrong."""
    c = _load_index(blob, codec)
    try:
        n, base = c["n"], midnight(day)
        ids, times, lengths = _sums(c["id"]), _sums(c["t"]), c["len"]
        entries, offset = [], 0
        for i in range(n):
            e = Entry(
                id=ids[i], received_at=(base + dt.timedelta(microseconds=times[i])).astimezone(dt.UTC),
                peer=c["peer"][i], connection_id=c["conn"][i], mn=c["mn"][i], cn=c["cn"][i], qn=c["qn"][i],
                pno=c["pno"][i], pnum=c["pnum"][i],
                data_time=None if c["dt"][i] is None else (base + dt.timedelta(microseconds=c["dt"][i])).astimezone(
                    dt.UTC),
                verdict=c["verdict"][i], reason=c["reason"][i], duplicates=c["dup"][i], dedup_key=None,
                result=c["result"][i], offset=offset, length=lengths[i])
            key = c["key"][i]
            e.dedup_key = derived_key(e) if key == DERIVED_KEY else key
            offset += e.length
            entries.append(e)
    except CorruptEvidence:
        raise
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise CorruptEvidence(f"the frame index does not decode: {exc}") from exc
    return entries


def encode_frames(entries: Sequence[Entry], codec: int) -> tuple[bytes, int]:
    """Compress the entries' texts as one stream; sets each entry's offset and length. -> (data, CRC-32)."""
    parts, offset = [], 0
    for e in entries:
        raw = (e.text or "").encode("utf-8", "surrogatepass")
        e.offset, e.length = offset, len(raw)
        offset += len(raw)
        parts.append(raw)
    data = compress(b"".join(parts), codec)
    return data, zlib.crc32(data)


def decode_frames(data: bytes | memoryview, checksum: int, entries: Iterable[Entry], codec: int) -> None:
    """Verify ``data`` against ``checksum`` and fill each entry's ``text``."""
    data = bytes(data)
    if zlib.crc32(data) != checksum:
        raise CorruptEvidence("the compressed frames do not match the block's checksum")
    raw = decompress(data, codec)
    entries = list(entries)
    if sum(e.length for e in entries) != len(raw):
        raise CorruptEvidence("the frames are not as long as their index says")
    try:
        for e in entries:
            e.text = raw[e.offset:e.offset + e.length].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        raise CorruptEvidence(f"a frame is not text: {exc}") from exc


def stats(entries: Iterable[Entry]) -> dict[str, Any]:
    """Counts for statistics without opening the block: by verdict, by CN, by tolerance, retransmissions."""
    out: dict[str, Any] = {"verdict": {}, "cn": {}, "tolerances": {}, "retransmissions": 0}
    for e in entries:
        out["verdict"][e.verdict] = out["verdict"].get(e.verdict, 0) + 1
        out["cn"][e.cn] = out["cn"].get(e.cn, 0) + 1
        for t in (e.result or {}).get("tolerances", []) if isinstance(e.result, dict) else []:
            out["tolerances"][t] = out["tolerances"].get(t, 0) + 1
        out["retransmissions"] += e.duplicates
    return out
