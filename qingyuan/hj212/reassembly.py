"""Sub-packets (Flag D=1, PNUM/PNO) back into one data set (§6.3.2, NOTES §10).

The standard names no correlation key; sub-packets are grouped by
(MN, CN, DataTime, PNUM) and ordered by PNO. Time comes from the caller
(``now``, any monotonic float in seconds): nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from .packet import CP, Equipment, Packet, Param

GroupKey = tuple[str | None, str | None, str | None, int]


@dataclass(frozen=True, slots=True)
class Reassembled:
    """A complete data set, or what arrived of one that timed out."""

    key: GroupKey  # (MN, CN, DataTime, PNUM)
    packets: tuple[Packet, ...]  # ordered by PNO
    cp: CP  # the sub-packets' CPs merged in PNO order
    complete: bool
    missing: tuple[int, ...]  # PNOs never received


def _merge(packets: tuple[Packet, ...]) -> CP:
    if len(packets) == 1:
        return packets[0].cp
    fields: dict[str, str] = {}
    params: dict[str, Param] = {}
    equipment: dict[str, Equipment] = {}
    for packet in packets:
        fields.update(packet.cp.fields)
        params.update(packet.cp.params)
        equipment.update(packet.cp.equipment)
    data_time = next((p.cp.data_time for p in packets if p.cp.data_time is not None), None)
    return CP(";".join(p.cp.raw for p in packets if p.cp.raw), fields, data_time, params, equipment)


class _Group:
    __slots__ = ("packets", "last_seen")

    def __init__(self, now: float) -> None:
        self.packets: dict[int, Packet] = {}
        self.last_seen = now


class Reassembler:
    """Collect sub-packets until every PNO of a group is there.

    ``add`` returns the merged data set when a group completes (and at once for
    a packet that is not split); ``expire`` hands back groups idle for longer
    than ``timeout`` seconds. A PNO received twice is ignored, also after its
    group completed (within ``timeout``).
    """

    def __init__(self, timeout: float) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.timeout = timeout
        self._groups: dict[GroupKey, _Group] = {}
        self._done: dict[GroupKey, float] = {}  # completed groups -> when, to drop late duplicates

    @property
    def pending(self) -> int:
        """Groups waiting for sub-packets."""
        return len(self._groups)

    def add(self, packet: Packet, now: float) -> Reassembled | None:
        pnum, pno = packet.pnum, packet.pno
        key: GroupKey = (packet.mn, packet.cn, packet.cp.data_time, pnum or 1)
        if pnum is None or pno is None or pnum <= 1:
            return Reassembled(key, (packet,), packet.cp, True, ())
        if not 1 <= pno <= pnum:
            return Reassembled(key, (packet,), packet.cp, False, ())
        if key in self._done:
            self._done[key] = now
            return None
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(now)
        group.last_seen = now
        group.packets.setdefault(pno, packet)
        if len(group.packets) < pnum:
            return None
        del self._groups[key]
        self._done[key] = now
        return self._result(key, group, True)

    def expire(self, now: float) -> list[Reassembled]:
        """Incomplete groups idle for ``timeout`` seconds, removed and returned."""
        stale = [key for key, group in self._groups.items() if now - group.last_seen >= self.timeout]
        for key, when in list(self._done.items()):
            if now - when >= self.timeout:
                del self._done[key]
        return [self._result(key, self._groups.pop(key), False) for key in stale]

    @staticmethod
    def _result(key: GroupKey, group: _Group, complete: bool) -> Reassembled:
        packets = tuple(group.packets[pno] for pno in sorted(group.packets))
        missing = tuple(pno for pno in range(1, key[3] + 1) if pno not in group.packets)
        return Reassembled(key, packets, _merge(packets), complete, missing)
