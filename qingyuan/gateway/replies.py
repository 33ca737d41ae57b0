"""Which replies the gateway owes a packet it has stored (NOTES §7, spec §6.5).

- CN 1013 (time-calibration request): 9013, then 1012 with the current local time.
- 9011, 9012, 9013, 9014 (replies from the device): nothing.
- Any other packet with A=1, each sub-packet on its own: 9014 with its QN.
- A=0: nothing.
"""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from qingyuan.hj212 import Packet, data_ack, new_qn, notify_ack, set_time

NO_REPLY = frozenset({"9011", "9012", "9013", "9014"})
TIME_CALIBRATION = "1013"


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_now(time_zone: str) -> datetime:
    return datetime.now(_zone(time_zone))


def set_time_for(packet: Packet, time_zone: str) -> bytes:
    """A 1012 that sets the device's clock to the gateway's local time."""
    now = local_now(time_zone).replace(tzinfo=None)  # HJ 212 times are the device's local time
    return set_time(packet.mn, packet.pw, now, new_qn(now), st=packet.st or "32", version=packet.version)


def replies_for(packet: Packet, time_zone: str) -> list[bytes]:
    cn = packet.cn
    if cn == TIME_CALIBRATION:
        return [notify_ack(packet), set_time_for(packet, time_zone)]
    if cn in NO_REPLY or not packet.ack_requested:
        return []
    return [data_ack(packet)]
