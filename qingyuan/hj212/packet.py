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
    # 2005 factor codes under an ST of another medium (or of none) than the point's, read by the
    # point's medium. Set by the receiver, which knows the point; the decoder reads codes by ST.
    ST_MEDIUM_MISMATCH = "st_medium_mismatch"


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


# ``CP.fields`` on the fast path: the CP builder stores the pair (keys, values)
# in the slot instead of the dict (most consumers only read ``params``); the
# first read of ``cp.fields`` builds the dict, stores it in the slot and
# returns it, so every reader sees one ordinary dict.
class _FieldsSlot:
    """``CP.fields``: the slot, resolving a (keys, values) pair on first read."""

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.slot.__get__(obj, owner)
        if type(value) is tuple:  # the dict is never a tuple
            keys, values = value
            value = dict(zip(keys, values, strict=True))
            self.slot.__set__(obj, value)
        return value

    def __set__(self, obj: object, value: Any) -> None:
        self.slot.__set__(obj, value)


type.__setattr__(CP, "fields", _FieldsSlot(CP.__dict__["fields"]))


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


# Frozen dataclasses set each field through object.__setattr__ in __init__,
# which costs several microseconds for a Packet and about one per Param: too
# much on the decoder's hot path, which builds one Packet, one CP and a Param per
# factor for every frame. The builders below fill the slots of a plain twin
# class (same __slots__, so the same memory layout; its attribute stores are
# ordinary slot writes) and then switch the instance's class to the frozen one,
# which CPython allows between layout-compatible heap classes. The result is an
# ordinary instance of the frozen class: equal to, and indistinguishable from,
# one built by its constructor (test_fast_paths and test_planned check it).
_builders: dict[type, Any] = {}


def builder_class(cls: type) -> Any:
    """The plain twin of the frozen dataclass ``cls`` (see above)."""
    twin = _builders.get(cls)
    if twin is None:
        slots = cls.__dict__["__slots__"]
        twin = _builders[cls] = type(f"_{cls.__name__}Builder", (), {"__slots__": slots, "__module__": __name__})
        probe = twin()
        probe.__class__ = cls  # fails here, at import, if the layouts ever differ
    return twin


_ParamB, _PacketB = builder_class(Param), builder_class(Packet)


def new_param(code: str, original_code: str, v: tuple[Any, ...], extra: dict[str, str]) -> Param:
    """``Param(code, original_code, *v, extra)`` without the frozen-init overhead (``v`` has 13 items)."""
    p = _ParamB()
    p.code = code
    p.original_code = original_code
    p.rtd, p.min, p.avg, p.max, p.cou, p.zs_rtd, p.zs_min, p.zs_avg, p.zs_max, p.flag, p.eflag, p.sample_time, p.info = v
    p.extra = extra
    p.__class__ = Param
    return p  # type: ignore[no-any-return]


def new_packet(
    raw: bytes, segment: str, qn: str | None, st: str | None, cn: str | None, pw: str | None, mn: str | None,
    flag: int | None, version: int, ack_requested: bool, split: bool, pnum: int | None, pno: int | None, cp: CP,
    extra_headers: dict[str, str], tolerances: frozenset[Tolerance], warnings: tuple[str, ...], crc: str, length: int,
) -> Packet:
    """``Packet(...)`` with the fields in declaration order, built like :func:`new_param`."""
    p = _PacketB()
    p.raw, p.segment, p.qn, p.st, p.cn, p.pw, p.mn, p.flag = raw, segment, qn, st, cn, pw, mn, flag
    p.version, p.ack_requested, p.split, p.pnum, p.pno, p.cp = version, ack_requested, split, pnum, pno, cp
    p.extra_headers, p.tolerances, p.warnings, p.crc, p.length = extra_headers, tolerances, warnings, crc, length
    p.__class__ = Packet
    return p  # type: ignore[no-any-return]
