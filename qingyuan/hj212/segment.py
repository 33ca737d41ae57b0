"""Data segment -> :class:`Packet`: split header and CP, parse the header fields.

:func:`parse_packet` is called on a segment that passed framing (length, CRC,
CR LF). It rejects broken structure as an :class:`InvalidFrame` and otherwise
never fails: odd values are kept as raw strings and noted in ``warnings``.
Header keys are case-insensitive (``FLAG=``), ``,`` is accepted as a separator
(errata C.22/C.48) and the order of fields is not relied on (PNO before PNUM).
"""

from __future__ import annotations

import re
from itertools import repeat

from .cp import parse_cp
from .errors import InvalidFrame, InvalidReason
from .packet import Packet, Tolerance, new_packet

# The header almost every device sends, in the standard's order; values without
# separators or spaces, Flag a decimal number. Such a header gives exactly what
# _split_segment and _parse_header give, in one regex match.
_STANDARD_HEAD = re.compile(
    r"QN=([^;,=\s]*+);ST=([^;,=\s]*+);CN=([^;,=\s]*+);PW=([^;,=\s]*+);MN=([^;,=\s]*+);Flag=([0-9]++);CP=&&"
).match
_HEADER_KEYS = {"QN": "qn", "ST": "st", "CN": "cn", "PW": "pw", "MN": "mn", "FLAG": "flag", "PNUM": "pnum", "PNO": "pno"}
_CP_START = re.compile(r"CP=&&", re.IGNORECASE)


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


_SPELLED = {"QN": "qn", "ST": "st", "CN": "cn", "PW": "pw", "MN": "mn", "Flag": "flag", "PNUM": "pnum", "PNO": "pno"}


def _parse_header(head: str, warnings: list[str]) -> tuple[dict[str, str], dict[str, str]] | str:
    """Known fields (lower-case names) and unknown ones, or an error text."""
    if "," not in head and " " not in head:
        # Fast path: the usual spelling, every item one key=value, no repeats.
        items = head.split(";")
        try:
            pairs: dict[str, str] = dict(map(str.split, items, repeat("="), repeat(1)))
        except ValueError:
            pairs = {}
        if len(pairs) == len(items) and pairs.keys() <= _SPELLED.keys():
            return {_SPELLED[k]: v for k, v in pairs.items()}, {}
    known: dict[str, str] = {}
    extra: dict[str, str] = {}
    if "," in head:
        head = head.replace(",", ";")
        warnings.append("',' used as a header separator")
    for item in head.split(";"):
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key:
            if item.strip():
                return f"header item without key=value: {item[:40]!r}"
            continue
        value = value.strip()
        name = _HEADER_KEYS.get(key.upper())
        target, k = (known, name) if name else (extra, key)
        if k in target:
            warnings.append(f"duplicate header field {key} (first kept)")
            continue
        target[k] = value
    return known, extra


def _split_segment(text: str, warnings: list[str]) -> tuple[str, str] | InvalidFrame | str:
    """(header, cp data) of a segment."""
    idx = text.find(";CP=&&")
    if idx >= 0:
        head, start = text[:idx], idx + 6
    else:
        match = _CP_START.search(text)
        if match is None:
            return "no CP=&& in data segment"
        head, start = text[: match.start()].rstrip(";, "), match.end()
        if match.start() and text[match.start() - 1] not in ";,":
            warnings.append("CP not preceded by ';'")
    end = len(text) - 2
    if not text.endswith("&&"):
        stripped = text.rstrip()
        if not stripped.endswith("&&"):
            return InvalidFrame(InvalidReason.UNCLOSED_CP, "structure: no CP=&&...&& (CP not closed by &&)", b"")
        warnings.append("whitespace after the closing &&")
        end = len(stripped) - 2
    if end < start:
        return InvalidFrame(InvalidReason.UNCLOSED_CP, "structure: no CP=&&...&& (CP=&& never closed)", b"")
    return head, text[start:end]


def parse_packet(
    raw: bytes,
    segment: bytes,
    length: int,
    crc: str,
    tolerances: frozenset[Tolerance],
    warnings: list[str],
) -> Packet | InvalidFrame:
    """Build the :class:`Packet` for a framed data segment (never raises)."""
    try:
        text = segment.decode("utf-8")
    except UnicodeDecodeError:
        text = segment.decode("utf-8", "replace")
        warnings.append("data segment is not valid UTF-8 (replaced)")
    standard = _STANDARD_HEAD(text)
    if standard is not None and standard.end() <= len(text) - 2 and text.endswith("&&"):
        qn, st, cn, pw, mn, flag_text = standard.groups()
        fl = int(flag_text)
        if fl & 2:
            warnings.append("Flag D bit set but PNUM/PNO missing")
        cp = parse_cp(text[standard.end() : -2], st, warnings, (st, cn, mn))
        return new_packet(raw, text, qn, st, cn, pw, mn, fl, (fl >> 2) & 0x3F, bool(fl & 1), bool(fl & 2), None,
                          None, cp, {}, tolerances, tuple(warnings), crc, length)  # fmt: skip
    split = _split_segment(text, warnings)
    if isinstance(split, InvalidFrame):
        return InvalidFrame(split.reason, split.detail, raw)
    if isinstance(split, str):
        return InvalidFrame(InvalidReason.BAD_HEADER, split, raw)
    head, cp_text = split
    header = _parse_header(head, warnings)
    if isinstance(header, str):
        return InvalidFrame(InvalidReason.BAD_HEADER, header, raw)
    known, extra = header
    st = known.get("st")
    flag_text = known.get("flag")
    flag = _number(flag_text) if flag_text is not None else None
    if flag_text is not None and flag is None:
        warnings.append(f"Flag is not a number: {flag_text!r}")
    pnum_text, pno_text = known.get("pnum"), known.get("pno")
    pnum = _number(pnum_text) if pnum_text is not None else None
    pno = _number(pno_text) if pno_text is not None else None
    if (pnum_text is not None and pnum is None) or (pno_text is not None and pno is None):
        warnings.append(f"PNUM/PNO not numbers: {pnum_text!r}/{pno_text!r}")
    fl = flag or 0
    if fl & 2 and (pnum is None or pno is None):
        warnings.append("Flag D bit set but PNUM/PNO missing")
    if "cn" not in known:
        warnings.append("no CN")
    return Packet(
        raw=raw,
        segment=text,
        qn=known.get("qn"),
        st=st,
        cn=known.get("cn"),
        pw=known.get("pw"),
        mn=known.get("mn"),
        flag=flag,
        version=(fl >> 2) & 0x3F,
        ack_requested=bool(fl & 1),
        split=bool(fl & 2),
        pnum=pnum,
        pno=pno,
        cp=parse_cp(cp_text, st, warnings, (st, known.get("cn"), known.get("mn"))),
        extra_headers=extra,
        tolerances=tolerances,
        warnings=tuple(warnings),
        crc=crc,
        length=length,
    )
