"""HJ 212 (2005 / 2017 / 2025) protocol codec for Qingyuan: sans-IO, standard library only.

Feed bytes to a :class:`Decoder`, take :class:`Packet` / :class:`InvalidFrame`
events until ``NEED_DATA``; build frames with :func:`build_packet` and the
replies and commands in ``commands``. See docs/hj212.md.
"""

from .codes import (
    POLLUTANT_CODES,
    DataKind,
    PollutantCode,
    code_for_medium,
    is_2005_code,
    medium_of,
    normalize_code,
)
from .commands import (
    data_ack,
    get_field_info,
    get_min_interval,
    get_rtd_interval,
    get_time,
    new_qn,
    notify_ack,
    set_min_interval,
    set_overtime_recount,
    set_rtd_interval,
    set_time,
    start_facility_status,
    start_realtime,
    stop_realtime,
)
from .crc import CrcMode, crc16
from .decoder import NEED_DATA, Decoder, Event
from .encoder import build_packet
from .errors import CommandError, InvalidFrame, InvalidReason, ProtocolError
from .mask import mask_password
from .packet import CP, Equipment, Packet, Param, Tolerance, parse_time
from .reassembly import Reassembled, Reassembler

__all__ = [
    "CP",
    "NEED_DATA",
    "POLLUTANT_CODES",
    "CommandError",
    "CrcMode",
    "DataKind",
    "Decoder",
    "Equipment",
    "Event",
    "InvalidFrame",
    "InvalidReason",
    "Packet",
    "Param",
    "PollutantCode",
    "ProtocolError",
    "Reassembled",
    "Reassembler",
    "Tolerance",
    "build_packet",
    "code_for_medium",
    "crc16",
    "data_ack",
    "get_field_info",
    "get_min_interval",
    "get_rtd_interval",
    "get_time",
    "is_2005_code",
    "mask_password",
    "medium_of",
    "new_qn",
    "normalize_code",
    "notify_ack",
    "parse_time",
    "set_min_interval",
    "set_overtime_recount",
    "set_rtd_interval",
    "set_time",
    "start_facility_status",
    "start_realtime",
    "stop_realtime",
]
