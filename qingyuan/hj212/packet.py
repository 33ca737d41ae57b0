"""The decoded packet model: header fields, the CP data area, per-factor values.

Events are frozen, slotted dataclasses (h11 style). Parsing lives in
``segment.py`` (header) and ``cp.py`` (data area).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .codes import DataKind

TimeTuple = tuple[int, int, int, int, int, int]


class Tolerance(enum.Enum):
    """A deviation from the standard that the decoder accepted (``Packet.tolerances``)."""

    LOWERCASE_CRC = "lowercase_crc"  # CRC hex digits not upper case
    CHAR_COUNT_LENGTH = "char_count_length"  # length counts characters, not UTF-8 bytes
    LENGTH_MISMATCH = "length_mismatch"  # length field wrong, CRC and CR LF verify
    LENGTH_PLUS_6 = "length_plus_6"  # ... and it is segment + 6 (counts CRC and CR LF)
    OVERSIZE_SEGMENT = "oversize_segment"  # data segment above the standard's 1024
    ALT_CRC_MODE = "alt_crc_mode"  # verified with the device's non-HJ212 CRC mode


def parse_time(text: str | None) -> TimeTuple | None:
    """``YYYYMMDDhhmmss`` (optionally followed by 3 digits of ms) as a tuple.

    No time zone is attached: the caller knows the device's zone. None when the
    text is missing or not a valid calendar time.
    """
    if text is None or len(text) not in (14, 17) or not (text.isascii() and text.isdigit()):
        return None
    parts = (int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:14]))
    try:
        datetime(*parts)
    except ValueError:
        return None
    return parts


@dataclass(frozen=True, slots=True)
class Param:
    """All the values one factor carries in a CP (``w01018-Avg=40.1,...``)."""

    code: str  # normalised to the 2017 code
    original_code: str  # as the device sent it
    rtd: float | None = None
    min: float | None = None
    avg: float | None = None
    max: float | None = None
    cou: float | None = None
    zs_rtd: float | None = None
    zs_min: float | None = None
    zs_avg: float | None = None
    zs_max: float | None = None
    flag: str | None = None
    eflag: str | None = None
    sample_time: str | None = None
    info: str | None = None  # the text between //...//
    extra: dict[str, str] = field(default_factory=dict)  # other suffixes, unparseable numbers


@dataclass(frozen=True, slots=True)
class Equipment:
    """A treatment facility ``SBxxx``: running state and daily running hours."""

    rs: int | None = None  # 0 off, 1 running, 2 calibration, 3 maintenance, 4 alarm, 5 blowback
    rt: float | None = None  # hours run that day


@dataclass(frozen=True, slots=True)
class CP:
    """The data area between ``CP=&&`` and ``&&``."""

    raw: str
    fields: dict[str, str]  # flat key -> value, as sent
    data_time: str | None
    params: dict[str, Param]  # keyed by the normalised 2017 code
    equipment: dict[str, Equipment]

    @property
    def data_time_tuple(self) -> TimeTuple | None:
        return parse_time(self.data_time)


@dataclass(frozen=True, slots=True)
class Packet:
    """One frame that passed framing and structure checks."""

    raw: bytes  # the full frame, ## through CR LF
    segment: str
    qn: str | None
    st: str | None
    cn: str | None
    pw: str | None
    mn: str | None
    flag: int | None
    version: int  # Flag bits V5..V0: 0 = 2005, 1 = 2017, 2 = 2025
    ack_requested: bool  # A bit
    split: bool  # D bit
    pnum: int | None
    pno: int | None
    cp: CP
    extra_headers: dict[str, str]
    tolerances: frozenset[Tolerance]
    warnings: tuple[str, ...]
    crc: str  # as received (may be lower case)
    length: int  # as declared

    @property
    def data_kind(self) -> DataKind | None:
        return DataKind.from_cn(self.cn)


# Frozen dataclasses set each field through object.__setattr__ in __init__; the
# CP fast path builds many Params per packet, so it writes the slots directly.
# test_packet checks that this gives the same Param as the constructor.
_new = object.__new__
_s = {name: getattr(Param, name).__set__ for name in Param.__slots__}
(_s_code, _s_orig, _s_rtd, _s_min, _s_avg, _s_max, _s_cou, _s_zrtd, _s_zmin, _s_zavg, _s_zmax,
 _s_flag, _s_eflag, _s_stime, _s_info, _s_extra) = (_s[name] for name in (
    "code", "original_code", "rtd", "min", "avg", "max", "cou", "zs_rtd", "zs_min", "zs_avg", "zs_max",
    "flag", "eflag", "sample_time", "info", "extra"))  # fmt: skip


def new_param(code: str, original_code: str, v: tuple[Any, ...], extra: dict[str, str]) -> Param:
    """``Param(code, original_code, *v, extra)`` without the frozen-init overhead (``v`` has 13 items)."""
    p: Param = _new(Param)
    _s_code(p, code)
    _s_orig(p, original_code)
    _s_rtd(p, v[0])
    _s_min(p, v[1])
    _s_avg(p, v[2])
    _s_max(p, v[3])
    _s_cou(p, v[4])
    _s_zrtd(p, v[5])
    _s_zmin(p, v[6])
    _s_zavg(p, v[7])
    _s_zmax(p, v[8])
    _s_flag(p, v[9])
    _s_eflag(p, v[10])
    _s_stime(p, v[11])
    _s_info(p, v[12])
    _s_extra(p, extra)
    return p
