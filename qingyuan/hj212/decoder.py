"""Sans-IO framing: bytes in (``receive_data``), events out (``next_event``).

A frame is ``##`` + 4-digit length + data segment + 4 hex CRC + CR LF (§6.3.1).
``next_event`` returns a :class:`Packet`, an :class:`InvalidFrame` (the bytes
dropped and why; the session goes on at the next ``##``) or ``NEED_DATA``.

Every decision depends only on the bytes up to the point where it is taken, so
a stream gives the same events whether it arrives whole or byte by byte. In
order of position in the stream, the first of these decides a frame:

- a CR LF whose preceding 4 hex digits are the CRC of the bytes between the
  header and them (at the declared end: the normal case; elsewhere: the length
  field is wrong, accepted with a :class:`Tolerance` unless ``lenient_length``
  is off; a character-count length is accepted either way);
- the declared end: a CRC that does not verify with CR LF after it is BAD_CRC,
  a CRC that verifies without CR LF is MISSING_CRLF; anything else keeps
  looking (the length may be too short, or count characters);
- a new ``##dddd`` header: the frame so far is dropped (TRUNCATED before its
  declared end, BAD_LENGTH or MISSING_CRLF after), so a bogus ``##9999`` cannot
  hold back the packets behind it;
- ``max_segment + 12`` bytes without a decision, or the end of the stream.

Rejections come in two kinds. A *frame* ends at a CR LF the decoder decided on
(BAD_CRC, a strict BAD_LENGTH, a verified frame whose contents do not parse):
one event each. Everything else is *garbage* (no ``##``, a bad length field,
OVERSIZE, TRUNCATED, MISSING_CRLF, nothing verified): a contiguous run of it, up
to the next packet or frame or the end of the stream, is ONE event whose
``count`` is the bytes dropped. While a run lasts, the decoder jumps straight to
the last ``##dddd`` header before the first CR LF any header could end at (see
``_skip_target``), so discarding costs linear time whatever the garbage, and
``pending_garbage`` tells the caller how much it has dropped so far.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Final, Literal

from .crc import CrcMode, crc16, crc_hj212
from .errors import GARBAGE_KEPT, InvalidFrame, InvalidReason, ProtocolError
from .packet import Packet, Tolerance
from .segment import parse_packet

STANDARD_MAX_SEGMENT: Final = 1024
_OVERHEAD: Final = 12  # "##" + LLLL + CRC + CR LF
_HEX: Final = b"0123456789abcdefABCDEF"
_MN = re.compile(rb"(?:^|[;,])\s*[Mm][Nn]\s*=\s*([^;,]*)")
_HEADER = re.compile(rb"##[0-9]{4}")
_LAST_HEADER = re.compile(rb"(?s).*##[0-9]{4}")  # greedy: ends at the last header in the range
_HEADER_PREFIX = re.compile(rb"#(?:#[0-9]{0,3})?")  # what the end of the buffer may hold of a header
# A CR LF with no header starting in the 9 bytes before it: the only kind a frame can end at
# (a frame's first CR LF candidate is 10 bytes after its header; an earlier header's frame
# cannot reach past the later header).
_FAR_CRLF = re.compile(  # the literal first, so the search runs at memchr speed
    rb"\r\n(?<!##[0-9]{4}\r\n)(?<!##[0-9]{4}[\s\S]\r\n)(?<!##[0-9]{4}[\s\S]{2}\r\n)(?<!##[0-9]{4}[\s\S]{3}\r\n)"
)
_CRC_END = re.compile(rb"&&[0-9A-Fa-f]{4}\r\n")  # where a frame with a wrong length can still end


_NO_TOLERANCE: Final[frozenset[Tolerance]] = frozenset()
_OVERSIZE: Final = frozenset({Tolerance.OVERSIZE_SEGMENT})
# CRC value -> its 4 upper-case hex digits as bytes and str (HJ212 has only 256 values)
_HEX4: dict[int, tuple[bytes, str]] = {}


def _hex4(value: int) -> tuple[bytes, str]:
    text = f"{value:04X}"
    pair = _HEX4[value] = (text.encode("ascii"), text)
    return pair


def _oversize(seglen: int) -> str:
    return f"data segment of {seglen} bytes exceeds the standard's {STANDARD_MAX_SEGMENT}"


class _NeedData(enum.Enum):
    NEED_DATA = "NEED_DATA"

    def __repr__(self) -> str:
        return "NEED_DATA"


class _Garbage(enum.Enum):
    GARBAGE = "GARBAGE"  # internal: bytes went into the current garbage run


NEED_DATA: Final = _NeedData.NEED_DATA
_GARBAGE: Final = _Garbage.GARBAGE
Event = Packet | InvalidFrame
_Step = Packet | InvalidFrame | Literal[_NeedData.NEED_DATA] | Literal[_Garbage.GARBAGE]


class _Crc:
    """The verdict on 4 CRC characters."""

    __slots__ = ("got", "hex", "lower", "mode", "ok", "want")

    def __init__(self, segment: bytes, crc: bytes, mode: CrcMode) -> None:
        self.mode = mode
        self.got = crc.decode("ascii", "replace")
        self.hex = len(crc) == 4 and not crc.translate(None, _HEX)
        self.want = f"{crc16(segment, mode):04X}" if self.hex else ""
        self.ok = self.hex and self.got.upper() == self.want
        self.lower = self.ok and self.got != self.want

    def describe(self) -> str:
        if not self.hex:
            return f"crc not hex: {self.got!r}"
        return f"crc mismatch: got {self.got} want {self.want}"


class Decoder:
    """HJ 212 stream decoder. Feed bytes, then call ``next_event`` until NEED_DATA.

    ``crc_mode_for(mn)`` picks a device's CRC mode (default HJ212 for all).
    ``max_buffer`` bounds the bytes held but not yet decoded: feeding beyond it
    without draining ``next_event`` raises :class:`ProtocolError`.
    """

    __slots__ = (
        "_buf", "_pos", "_eof", "_max_segment", "_cap", "_crc_mode_for", "_lenient", "_max_buffer",
        "_crlf_from", "_hash_from", "_end_checked", "_diag", "_scanned",
        "_run_count", "_run_data", "_run_first", "_held",
    )  # fmt: skip

    def __init__(
        self,
        *,
        max_segment: int = 9999,
        crc_mode_for: Callable[[str], CrcMode] | None = None,
        lenient_length: bool = True,
        max_buffer: int | None = 1 << 20,
    ) -> None:
        if not 0 <= max_segment <= 9999:
            raise ValueError("max_segment must be within 0..9999")
        self._buf = bytearray()
        self._pos = 0
        self._eof = False
        self._max_segment = max_segment
        self._cap = max_segment + _OVERHEAD
        self._crc_mode_for = crc_mode_for
        self._lenient = lenient_length
        self._max_buffer = max_buffer
        self._run_count = 0  # bytes of the current garbage run, not reported yet
        self._run_data = bytearray()  # its first GARBAGE_KEPT bytes
        self._run_first: tuple[InvalidReason, str, int] = (InvalidReason.BAD_HEADER, "", 0)
        self._held: Packet | InvalidFrame | None = None  # the event that ended a run, due next
        self._reset_scan()

    # -- input -----------------------------------------------------------------
    def receive_data(self, data: bytes) -> None:
        """Add bytes from the peer; ``b""`` means the stream ended."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ProtocolError(f"expected bytes, got {type(data).__name__}")
        if self._eof:
            if data:
                raise ProtocolError("data received after end of stream")
            return
        if not data:
            self._eof = True
            return
        if self._pos and (self._pos >= 65536 or 2 * self._pos >= len(self._buf)):
            del self._buf[: self._pos]
            self._pos = 0
        held = len(self._buf) - self._pos
        if self._max_buffer is not None and held + len(data) > self._max_buffer:
            raise ProtocolError(f"{held + len(data)} bytes buffered, above max_buffer {self._max_buffer}")
        self._buf += data

    @property
    def buffer(self) -> bytes:
        """The bytes received and not yet turned into events."""
        return bytes(self._buf[self._pos :])

    @property
    def eof(self) -> bool:
        return self._eof

    @property
    def pending_garbage(self) -> int:
        """Bytes of a garbage run dropped so far and not yet reported (its event comes when it ends)."""
        return self._run_count

    # -- output ----------------------------------------------------------------
    def next_event(self) -> Packet | InvalidFrame | Literal[_NeedData.NEED_DATA]:
        held = self._held
        if held is not None:
            self._held = None
            return held
        while True:
            if self._run_count:
                self._skip_run()
            event = self._step()
            if event is _GARBAGE:
                continue
            if event is NEED_DATA:
                if self._run_count and self._eof:
                    return self._end_run()
                return NEED_DATA
            if self._run_count:
                self._held = event
                return self._end_run()
            return event

    def _step(self) -> _Step:
        """One decision at the current position (garbage goes into the run)."""
        buf, i = self._buf, self._pos
        n = len(buf)
        if i >= n:
            return NEED_DATA
        if not buf.startswith(b"##", i):
            return self._garbage(i, n)
        if n < i + 6:
            if not buf[i + 2 : n].isdigit() and n > i + 2:
                return self._skip(i, n, InvalidReason.BAD_HEADER, f"bad length field {bytes(buf[i + 2 : n])!r}")
            if self._eof:
                return self._discard(n - i, InvalidReason.TRUNCATED, "truncated: stream ended in the frame header")
            return NEED_DATA
        digits = buf[i + 2 : i + 6]
        if not digits.isdigit():
            return self._skip(i, n, InvalidReason.BAD_HEADER, f"bad length field {bytes(digits)!r}")
        length = int(digits)
        if length > self._max_segment:
            detail = f"declared length {length} above max_segment {self._max_segment}"
            return self._skip(i, n, InvalidReason.OVERSIZE, detail, length + _OVERHEAD)
        end = i + length + _OVERHEAD
        if (
            n >= end
            and buf[end - 2] == 13
            and buf[end - 1] == 10
            # no CR LF and no "##" inside (one-byte searches are much faster, and the
            # two-byte ones only run when a lone CR or "#" is there)
            and (buf.find(13, i + 6, end - 2) < 0 or buf.find(b"\r\n", i + 6, end - 2) < 0)
            and (buf.find(35, i + 2, end) < 0 or buf.find(b"##", i + 2, end) < 0)
        ):
            raw = bytes(buf[i:end])
            segment = raw[6:-6]
            if self._crc_mode_for is None:
                value = crc_hj212(segment)
                want, text = _HEX4.get(value) or _hex4(value)
                if raw[-6:-2] == want:  # the usual case: upper-case HJ212 CRC at the declared end
                    self._pos = end
                    if self._scanned:
                        self._reset_scan()
                    if length <= STANDARD_MAX_SEGMENT:
                        return parse_packet(raw, segment, length, text, _NO_TOLERANCE, [])
                    return parse_packet(raw, segment, length, text, _OVERSIZE, [_oversize(length)])
            crc = self._check(segment, raw[-6:-2])
            if crc.ok:
                return self._accept(raw, length, length, crc, ())
            return self._drop(end - i, InvalidReason.BAD_CRC, crc.describe(), self._alt_mode(segment, crc))
        if n < end and n - i < self._cap and not self._eof and buf.find(13, i + 10, n) < 0 and buf.find(35, i + 2, n) < 0:
            return NEED_DATA  # the rest of the frame is yet to come, and _scan would find nothing to decide on
        return self._scan(i, n, length, end)

    # -- helpers ---------------------------------------------------------------
    def _reset_scan(self) -> None:
        self._crlf_from = 0  # offsets from the frame start: where to search next
        self._hash_from = 2
        self._end_checked = False
        self._scanned = False  # whether the fields above were touched for the current frame
        self._diag: tuple[int, _Crc] | None = None  # first CR LF whose CRC did not verify

    def _drop(self, count: int, reason: InvalidReason, detail: str, alt: CrcMode | None = None) -> InvalidFrame:
        """Reject a frame (it ended at a CR LF the decoder decided on)."""
        data = bytes(self._buf[self._pos : self._pos + count])
        self._pos += count
        self._reset_scan()
        return InvalidFrame(reason, detail, data, alt)

    def _discard(self, count: int, reason: InvalidReason, detail: str) -> Literal[_Garbage.GARBAGE]:
        """Add ``count`` bytes of garbage to the current run (the first piece names the reason)."""
        i = self._pos
        if not self._run_count:
            self._run_first = (reason, detail, count)
        self._absorb(i, i + count)
        self._pos = i + count
        self._reset_scan()
        return _GARBAGE

    def _absorb(self, start: int, stop: int) -> None:
        self._run_count += stop - start
        room = GARBAGE_KEPT - len(self._run_data)
        if room > 0:
            self._run_data += self._buf[start : min(stop, start + room)]

    def _end_run(self) -> InvalidFrame:
        reason, detail, first = self._run_first
        count = self._run_count
        if count > first:
            detail = f"{detail}; {count} bytes discarded in all"
        event = InvalidFrame(reason, detail, bytes(self._run_data), None, count)
        self._run_count = 0
        self._run_data = bytearray()
        return event

    def _skip_run(self) -> None:
        """In a garbage run: drop at once everything that cannot end in a packet or a frame."""
        i = self._pos
        to = self._skip_target(i, len(self._buf))
        if to > i:
            self._absorb(i, to)
            self._pos = to
            self._reset_scan()

    def _skip_target(self, i: int, n: int) -> int:
        """Where the next frame that may end at a CR LF begins (bytes before it are garbage).

        Every ``##dddd`` header gets a frame attempt, and an attempt that ends in
        anything but garbage decides at a CR LF at least 10 bytes after its header and
        before the next header: at its declared end, or after ``&&`` and 4 hex digits.
        Headers without such a CR LF are skipped; a C-speed search finds each
        candidate, so the work is linear in the bytes whatever they are.
        """
        buf = self._buf
        c = i
        crc_end = -1  # where the next "&&hhhh CR LF" at or after c ends (-1: not looked up yet)
        while True:
            crlf = _FAR_CRLF.search(buf, c, n)
            if crlf is None:  # no header before the buffer's end can decide yet, but the last
                if self._eof:
                    return n
                last = _LAST_HEADER.match(buf, c, n)
                if last is not None:
                    return last.end() - 6
                return next((k for k in range(max(c, n - 5), n) if _HEADER_PREFIX.fullmatch(buf, k, n)), n)
            p = crlf.start()
            last = _LAST_HEADER.match(buf, c, max(c, p - 4))  # the last header before p, if 10+ bytes before
            if last is None:
                c = p + 2
                continue
            h = last.end() - 6
            following = _HEADER.search(buf, h + 1, n)
            if following is None and not self._eof:
                return h  # what is still to come may end its frame
            q = n if following is None else following.start()
            end = h + int(buf[h + 2 : h + 6]) + _OVERHEAD
            if end <= q and buf[end - 2 : end] == b"\r\n":
                return h  # a CR LF at its declared end
            if crc_end < h + 12:  # the match found before starts too early for this frame
                found = _CRC_END.search(buf, h + 4, n)
                crc_end = n + 10 if found is None else found.end()
            if crc_end <= q:
                return h  # a CRC and CR LF before the next header
            c = q

    def _garbage(self, i: int, n: int) -> Literal[_NeedData.NEED_DATA, _Garbage.GARBAGE]:
        """Bytes before the next ``##``."""
        cap = self._cap
        q = self._buf.find(b"##", i, min(n, i + cap + 2))
        if q >= 0:
            return self._discard(q - i, InvalidReason.BAD_HEADER, f"missing ##: {q - i} bytes of garbage before ##")
        if n - i > cap:
            return self._discard(cap, InvalidReason.BAD_HEADER, f"missing ##: {cap} bytes without ##")
        if self._eof:
            return self._discard(n - i, InvalidReason.BAD_HEADER, f"missing ##: {n - i} bytes without ##")
        return NEED_DATA

    def _skip(
        self, i: int, n: int, reason: InvalidReason, detail: str, limit: int = 0
    ) -> Literal[_NeedData.NEED_DATA, _Garbage.GARBAGE]:
        """Drop a frame whose header is unusable through to the next ``##`` (at most ``limit`` bytes)."""
        limit = limit or self._cap
        q = self._buf.find(b"##", i + 1, min(n, i + limit + 2))
        if q >= 0:
            return self._discard(q - i, reason, detail)
        if n - i > limit:
            return self._discard(limit, reason, detail)
        if self._eof:
            return self._discard(n - i, reason, detail)
        return NEED_DATA

    def _mode(self, segment: bytes) -> CrcMode:
        if self._crc_mode_for is None:
            return CrcMode.HJ212
        match = _MN.search(segment)
        if match is None:
            return CrcMode.HJ212
        return self._crc_mode_for(match.group(1).decode("utf-8", "replace").strip())

    def _check(self, segment: bytes, crc: bytes) -> _Crc:
        return _Crc(segment, crc, self._mode(segment))

    @staticmethod
    def _alt_mode(segment: bytes, crc: _Crc) -> CrcMode | None:
        if not crc.hex:
            return None
        for mode in CrcMode:
            if mode is not crc.mode and f"{crc16(segment, mode):04X}" == crc.got.upper():
                return mode
        return None

    def _accept(
        self, raw: bytes, declared: int, seglen: int, crc: _Crc, extra: tuple[Tolerance, ...]
    ) -> Packet | InvalidFrame:
        self._pos += len(raw)
        self._reset_scan()
        tolerances = set(extra)
        warnings = []
        if crc.lower:
            tolerances.add(Tolerance.LOWERCASE_CRC)
        if crc.mode is not CrcMode.HJ212:
            tolerances.add(Tolerance.ALT_CRC_MODE)
            warnings.append(f"CRC verified in mode {crc.mode.name}")
        if seglen > STANDARD_MAX_SEGMENT:
            tolerances.add(Tolerance.OVERSIZE_SEGMENT)
            warnings.append(_oversize(seglen))
        if extra:
            warnings.append(f"declared length {declared} but data segment is {seglen} bytes")
        return parse_packet(raw, raw[6 : 6 + seglen], declared, crc.got, frozenset(tolerances), warnings)

    def _resync_at(self, i: int, n: int) -> int:
        """Position of the first ``##dddd`` inside the frame at ``i``, or -1."""
        buf = self._buf
        k = buf.find(b"##", i + self._hash_from, n)
        while k >= 0:
            if k + 6 > n:
                self._hash_from = k - i
                return -1
            if buf[k + 2 : k + 6].isdigit():
                self._hash_from = k - i
                return k
            k = buf.find(b"##", k + 1, n)
        self._hash_from = max(2, n - 1 - i)
        return -1

    def _scan(self, i: int, n: int, length: int, end: int) -> _Step:
        """The slow path: anything but a well-formed frame at the declared length."""
        self._scanned = True
        buf = self._buf
        q = self._resync_at(i, n)
        horizon = min(n, i + self._cap, q + 5 if q >= 0 else n)  # events must complete by here
        p = buf.find(b"\r\n", i + max(self._crlf_from, 10), horizon)
        while True:
            done = p + 2 if p >= 0 else horizon + 1
            if end <= horizon and end < done and not self._end_checked:
                self._end_checked = True
                crc = self._check(bytes(buf[i + 6 : end - 6]), bytes(buf[end - 6 : end - 2]))
                if crc.ok:
                    return self._discard(length + 10, InvalidReason.MISSING_CRLF, "missing CR LF after a valid CRC")
            if p < 0:
                break
            decided = self._candidate(i, p, length, end)
            if decided is not None:
                return decided
            self._crlf_from = p + 1 - i
            p = buf.find(b"\r\n", p + 1, horizon)
        self._crlf_from = max(self._crlf_from, horizon - 1 - i)
        if q >= 0:
            return self._give_up(i, q - i, length, end)
        if n - i >= self._cap:
            return self._give_up(i, self._cap - 5, length, end)
        if self._eof:
            return self._give_up(i, n - i, length, end)
        return NEED_DATA

    def _candidate(self, i: int, p: int, length: int, end: int) -> Packet | InvalidFrame | None:
        """Decide on the CR LF at ``p``, or None to keep looking."""
        raw = bytes(self._buf[i : p + 2])
        segment, crc_bytes = raw[6:-6], raw[-6:-2]
        if p + 2 == end:
            crc = self._check(segment, crc_bytes)
            if crc.ok:
                return self._accept(raw, length, length, crc, ())
            return self._drop(end - i, InvalidReason.BAD_CRC, crc.describe(), self._alt_mode(segment, crc))
        crc = self._check(segment, crc_bytes)
        if not crc.hex or not segment.endswith(b"&&"):
            return None
        if not crc.ok:
            if self._diag is None:
                self._diag = (len(segment), crc)
            return None
        seglen = len(segment)
        if p + 2 > end and len(segment.decode("utf-8", "replace")) == length:
            return self._accept(raw, length, seglen, crc, (Tolerance.CHAR_COUNT_LENGTH,))
        if not self._lenient:
            return self._drop(len(raw), InvalidReason.BAD_LENGTH, _mismatch(length, seglen))
        if seglen + 6 == length:
            return self._accept(raw, length, seglen, crc, (Tolerance.LENGTH_MISMATCH, Tolerance.LENGTH_PLUS_6))
        return self._accept(raw, length, seglen, crc, (Tolerance.LENGTH_MISMATCH,))

    def _give_up(self, i: int, count: int, length: int, end: int) -> Literal[_Garbage.GARBAGE]:
        """Drop ``count`` bytes of a frame that nothing verified."""
        diag = self._diag
        if diag is not None:
            seglen, crc = diag
            return self._discard(count, InvalidReason.BAD_LENGTH, f"{_mismatch(length, seglen)}; {crc.describe()}")
        if i + count < end:
            why = "stream ended" if self._eof and i + count == len(self._buf) else "a new ## began"
            return self._discard(count, InvalidReason.TRUNCATED, f"truncated: {why} after {count} of {length + 12} bytes")
        return self._discard(count, InvalidReason.MISSING_CRLF, f"no CR LF at the declared end ({length} bytes)")


def _mismatch(declared: int, actual: int) -> str:
    if actual > declared:
        return f"length mismatch (trailing {actual - declared} bytes): declared {declared}, segment {actual}"
    return f"length mismatch: declared {declared}, segment {actual} bytes"
