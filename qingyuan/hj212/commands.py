"""What the server sends: replies to the field (ST=91) and commands (requests).

Replies follow §6.5: ``ST=91``, the peer's version bits in Flag with A=0 and
D=0 (``Flag=4`` for 2017), the same PW and MN, ``CP=&&&&`` and the QN of the
packet answered. Commands carry the device's ST (default ``"32"``), the same PW
and MN, a fresh QN from :func:`new_qn` and ``Flag=5`` (2017, A=1: the device
must answer). Every function returns the complete frame as bytes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime

from .encoder import CpValue, build_packet, build_segment, check_atom, frame
from .errors import CommandError
from .packet import Packet

REPLY_ST = "91"
RTD_INTERVAL_RANGE = range(30, 3601)  # seconds (Table 4)
MIN_INTERVALS = frozenset({1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30})  # minutes (Table 4)
OVER_TIME_RANGE = range(1, 100)  # seconds, 0 < n <= 99 (§6.6.4)
RE_COUNT_RANGE = range(1, 100)  # retries, 0 < n <= 99
VERSION_2017 = 1

TimeLike = datetime | tuple[int, int, int, int, int, int]


def new_qn(now: datetime) -> str:
    """A 17-digit QN ``YYYYMMDDhhmmsszzz`` from the caller's clock (no clock is read here)."""
    return (
        f"{now.year:04d}{now.month:02d}{now.day:02d}{now.hour:02d}{now.minute:02d}{now.second:02d}"
        f"{now.microsecond // 1000:03d}"
    )


def hj_time(when: TimeLike) -> str:
    """``YYYYMMDDhhmmss`` from a naive datetime or a (Y, M, D, h, m, s) tuple.

    Aware datetimes are refused: the caller converts to the device's own zone.
    """
    if isinstance(when, datetime):
        if when.tzinfo is not None:
            raise CommandError("pass a naive datetime in the device's time zone")
        moment = when
    else:
        try:
            moment = datetime(*when)
        except (TypeError, ValueError) as exc:
            raise CommandError(f"not a time: {when!r}") from exc
    return f"{moment.year:04d}{moment.month:02d}{moment.day:02d}{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"


def _reply(packet: Packet, cn: str) -> bytes:
    """The reply frame; everything after the QN is the same for every reply to one device."""
    tail = _reply_tail(cn, packet.pw, packet.mn, packet.version)
    if packet.qn is None:
        return frame(tail)
    return frame(f"QN={check_atom('QN', packet.qn)};{tail}")


@functools.lru_cache(maxsize=65536)
def _reply_tail(cn: str, pw: str | None, mn: str | None, version: int) -> str:
    """``ST=91;CN=..;PW=..;MN=..;Flag=..;CP=&&&&``, checked once per device (one 9014 per packet uploaded)."""
    return build_segment(st=REPLY_ST, cn=cn, pw=pw, mn=mn, cp="", qn=None, flag=version << 2)


def data_ack(packet: Packet) -> bytes:
    """9014 data reply to an upload with A=1 (one per sub-packet, each with its own QN)."""
    return _reply(packet, "9014")


def notify_ack(packet: Packet) -> bytes:
    """9013 notification reply (e.g. to a 1013 time-calibration request)."""
    return _reply(packet, "9013")


def _command(
    cn: str, mn: str | None, pw: str | None, qn: str, cp: Mapping[str, CpValue], st: str, version: int
) -> bytes:
    return build_packet(st=st, cn=cn, pw=pw, mn=mn, cp=cp, qn=qn, flag=(version << 2) | 1)


def set_overtime_recount(
    mn: str | None, pw: str | None, over_time: int, re_count: int, qn: str, *, st: str = "32",
    version: int = VERSION_2017,
) -> bytes:  # fmt: skip
    """1000 set the answer timeout (OverTime, 1..99 s) and the retry count (ReCount, 1..99)."""
    if over_time not in OVER_TIME_RANGE:
        raise CommandError(f"OverTime must be 1..99 seconds, not {over_time}")
    if re_count not in RE_COUNT_RANGE:
        raise CommandError(f"ReCount must be 1..99, not {re_count}")
    return _command("1000", mn, pw, qn, {"OverTime": over_time, "ReCount": re_count}, st, version)


def set_time(
    mn: str | None, pw: str | None, when: TimeLike, qn: str, polid: str | None = None, *,
    st: str = "32", version: int = VERSION_2017,
) -> bytes:  # fmt: skip
    """1012 set the field time (of the logger, or of instrument ``polid``)."""
    cp: dict[str, CpValue] = {"PolId": polid} if polid else {}
    cp["SystemTime"] = hj_time(when)
    return _command("1012", mn, pw, qn, cp, st, version)


def get_time(
    mn: str | None, pw: str | None, qn: str, polid: str | None = None, *, st: str = "32", version: int = VERSION_2017
) -> bytes:
    """1011 get the field time (of the logger, or of instrument ``polid``)."""
    return _command("1011", mn, pw, qn, {"PolId": polid} if polid else {}, st, version)


def set_rtd_interval(
    mn: str | None, pw: str | None, seconds: int, qn: str, *, st: str = "32", version: int = VERSION_2017
) -> bytes:
    """1062 set the real-time upload interval, 30..3600 seconds."""
    if seconds not in RTD_INTERVAL_RANGE:
        raise CommandError(f"RtdInterval must be 30..3600 seconds, not {seconds}")
    return _command("1062", mn, pw, qn, {"RtdInterval": seconds}, st, version)


def get_rtd_interval(mn: str | None, pw: str | None, qn: str, *, st: str = "32", version: int = VERSION_2017) -> bytes:
    """1061 get the real-time upload interval."""
    return _command("1061", mn, pw, qn, {}, st, version)


def set_min_interval(
    mn: str | None, pw: str | None, minutes: int, qn: str, *, st: str = "32", version: int = VERSION_2017
) -> bytes:
    """1064 set the minute-data interval: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30."""
    if minutes not in MIN_INTERVALS:
        raise CommandError(f"MinInterval must be one of {sorted(MIN_INTERVALS)}, not {minutes}")
    return _command("1064", mn, pw, qn, {"MinInterval": minutes}, st, version)


def get_min_interval(mn: str | None, pw: str | None, qn: str, *, st: str = "32", version: int = VERSION_2017) -> bytes:
    """1063 get the minute-data interval."""
    return _command("1063", mn, pw, qn, {}, st, version)


def start_realtime(mn: str | None, pw: str | None, qn: str, *, st: str = "32", version: int = VERSION_2017) -> bytes:
    """2011 start real-time data uploads."""
    return _command("2011", mn, pw, qn, {}, st, version)


def stop_realtime(mn: str | None, pw: str | None, qn: str, *, st: str = "32", version: int = VERSION_2017) -> bytes:
    """2012 stop real-time data uploads."""
    return _command("2012", mn, pw, qn, {}, st, version)


def start_facility_status(
    mn: str | None, pw: str | None, qn: str, *, st: str = "32", version: int = VERSION_2017
) -> bytes:
    """2021 start uploads of the treatment facilities' running state (``SBxxx-RS``)."""
    return _command("2021", mn, pw, qn, {}, st, version)


def get_field_info(
    mn: str | None, pw: str | None, qn: str, *, polid: str, info_id: str,
    begin: TimeLike | None = None, end: TimeLike | None = None, st: str = "32", version: int = VERSION_2017,
) -> bytes:  # fmt: skip
    """3020 get field information ``info_id`` of instrument ``polid`` (optionally over a period)."""
    cp: dict[str, CpValue] = {"PolId": polid, "InfoId": info_id}
    if begin is not None:
        cp["BeginTime"] = hj_time(begin)
    if end is not None:
        cp["EndTime"] = hj_time(end)
    return _command("3020", mn, pw, qn, cp, st, version)
