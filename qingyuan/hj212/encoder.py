"""Build frames: data segment, length, CRC and CR LF.

:func:`build_packet` writes conforming frames by default; ``crc_mode``,
``lowercase_crc`` and ``length_mode`` produce the non-conforming variants met in
the field (for tests and the device simulator).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from .crc import CrcMode, crc16
from .errors import CommandError

LengthMode = Literal["bytes", "chars", "plus6"]
CpValue = str | int | float

_FORBIDDEN = (";", ",", "=", "&", "\r", "\n")


def check_atom(what: str, text: str) -> str:
    if any(c in text for c in _FORBIDDEN):
        shown = "(a password, not shown)" if what.upper().endswith("PW") else repr(text)  # errors reach pages
        raise CommandError(f"{what} must not contain ; , = & or line breaks: {shown}")
    return text


def _cp_value(key: str, value: CpValue) -> str:
    text = value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
    if text.startswith("//") and text.endswith("//") and len(text) >= 4:
        inner = text[2:-2]
        if "//" in inner or "&&" in text or "\r" in text or "\n" in text:
            raise CommandError(f"{key}: //...// text must not contain //, && or line breaks")
        return text
    return check_atom(key, text)


def format_cp(cp: str | Mapping[str, CpValue]) -> str:
    """The data area text. A mapping is joined with ``;`` between items and ``,``
    between consecutive keys of the same factor (``w01018-Rtd=1,w01018-Flag=N``)."""
    if isinstance(cp, str):
        return cp
    parts: list[str] = []
    previous = ""
    for key, value in cp.items():
        check_atom("CP key", key)
        code = key.rpartition("-")[0]
        if parts:
            parts.append("," if code and code == previous else ";")
        parts.append(f"{key}={_cp_value(key, value)}")
        previous = code
    return "".join(parts)


def build_segment(
    *,
    st: str | None,
    cn: str,
    pw: str | None,
    mn: str | None,
    cp: str | Mapping[str, CpValue],
    qn: str | None,
    flag: int | None,
    pnum: int | None = None,
    pno: int | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> str:
    """``QN=..;ST=..;CN=..;PW=..;MN=..;Flag=..;[PNUM=..;PNO=..;]CP=&&..&&`` (None fields left out)."""
    fields: list[tuple[str, str | int | None]] = [
        ("QN", qn), ("ST", st), ("CN", cn), ("PW", pw), ("MN", mn), ("Flag", flag), ("PNUM", pnum), ("PNO", pno),
    ]  # fmt: skip
    fields.extend((extra_headers or {}).items())
    head = "".join(f"{key}={check_atom(key, str(value))};" for key, value in fields if value is not None)
    data = format_cp(cp)
    if "&&" in data or "\r" in data or "\n" in data:
        raise CommandError("CP data must not contain && or line breaks")
    return f"{head}CP=&&{data}&&"


def frame(
    segment: str,
    *,
    crc_mode: CrcMode = CrcMode.HJ212,
    lowercase_crc: bool = False,
    length_mode: LengthMode = "bytes",
) -> bytes:
    """Wrap a data segment: ``##`` + length + segment + CRC + CR LF."""
    data = segment.encode("utf-8")
    if length_mode == "bytes":
        length = len(data)
    elif length_mode == "chars":
        length = len(segment)
    elif length_mode == "plus6":
        length = len(data) + 6
    else:
        raise CommandError(f"unknown length_mode {length_mode!r}")
    if length > 9999:
        raise CommandError(f"data segment of {length} exceeds the 4-digit length field")
    crc = f"{crc16(data, crc_mode):04X}"
    if lowercase_crc:
        crc = crc.lower()
    return b"##%04d%s%s\r\n" % (length, data, crc.encode("ascii"))


def build_packet(
    *,
    st: str | None,
    cn: str,
    pw: str | None,
    mn: str | None,
    cp: str | Mapping[str, CpValue],
    qn: str | None,
    flag: int | None,
    pnum: int | None = None,
    pno: int | None = None,
    extra_headers: Mapping[str, str] | None = None,
    crc_mode: CrcMode = CrcMode.HJ212,
    lowercase_crc: bool = False,
    length_mode: LengthMode = "bytes",
) -> bytes:
    """A complete frame. ``cp`` is the data area text or a key -> value mapping.

    Raises :class:`CommandError` for values that would break the framing.
    """
    segment = build_segment(
        st=st, cn=cn, pw=pw, mn=mn, cp=cp, qn=qn, flag=flag, pnum=pnum, pno=pno, extra_headers=extra_headers
    )
    return frame(segment, crc_mode=crc_mode, lowercase_crc=lowercase_crc, length_mode=length_mode)
