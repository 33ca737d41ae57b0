"""Scenario switches: the ways real loggers misbehave, one name each.

``--scenario NAME`` applies to every simulated device, ``--scenario NAME:MN``
to one. Episodes (exceedance, zeros, ...) come back every few hours at a phase
that depends on the MN, so that not every device misbehaves at once.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

SCENARIOS: dict[str, str] = {
    "exceedance": "pollutants far above their limit for 45 min every 3 h",
    "constant": "instruments stuck: every value constant (a frozen analyser)",
    "zeros": "every value 0 for 45 min every 3 h",
    "negatives": "negative values for 45 min every 3 h",
    "fault": "instrument fault: Flag=D for 45 min every 3 h",
    "maintenance": "maintenance: Flag=M for 45 min every 3 h",
    "calibration": "calibration: Flag=C for 30 min every 6 h",
    "outage": "no connection for 25 min every 2 h; minute and hour data sent afterwards",
    "clock_skew": "the logger's clock is 17 min fast (a 1012 set-time command corrects it)",
    "protocol_2005": "HJ/T 212-2005: 2005 codes (011, 060, ...), no QN, no acknowledgement",
    "subpackets": "each upload split into sub-packets (Flag D=1, PNUM/PNO)",
    "length_plus6": "the length field counts 6 bytes too many (segment + CRC + CR LF)",
    "lowercase_crc": "CRC written in lower-case hex",
    "bad_crc": "one upload in ten first goes out with a corrupted CRC (the platform rejects it; retransmitted)",
    "wrong_pw": "the logger sends a wrong password (the platform quarantines it)",
    "unknown_mn": "an extra logger whose MN the platform does not know (quarantined)",
}

VALUE_EPISODES = ("exceedance", "zeros", "negatives")
FLAG_EPISODES = {"fault": "D", "maintenance": "M", "calibration": "C"}
SKEW = dt.timedelta(minutes=17)


@dataclass(frozen=True, slots=True)
class Window:
    every: dt.timedelta
    length: dt.timedelta


WINDOWS = {
    "exceedance": Window(dt.timedelta(hours=3), dt.timedelta(minutes=45)),
    "zeros": Window(dt.timedelta(hours=3), dt.timedelta(minutes=45)),
    "negatives": Window(dt.timedelta(hours=3), dt.timedelta(minutes=45)),
    "fault": Window(dt.timedelta(hours=3), dt.timedelta(minutes=45)),
    "maintenance": Window(dt.timedelta(hours=3), dt.timedelta(minutes=45)),
    "calibration": Window(dt.timedelta(hours=6), dt.timedelta(minutes=30)),
    "outage": Window(dt.timedelta(hours=2), dt.timedelta(minutes=25)),
}


class UnknownScenario(ValueError):
    pass


def parse(specs: list[str]) -> tuple[set[str], dict[str, set[str]]]:
    """``["fault", "outage:MN1"]`` -> ({"fault"} for all, {"MN1": {"outage"}})."""
    everyone: set[str] = set()
    by_mn: dict[str, set[str]] = {}
    for spec in specs:
        name, _, mn = spec.partition(":")
        name = name.strip().replace("-", "_")
        if name not in SCENARIOS:
            raise UnknownScenario(f"unknown scenario {name!r}; known: {', '.join(sorted(SCENARIOS))}")
        if mn.strip():
            by_mn.setdefault(mn.strip(), set()).add(name)
        else:
            everyone.add(name)
    return everyone, by_mn


class Behaviour:
    """The scenarios of one device, asked about a moment of its (local, naive) clock."""

    def __init__(self, mn: str, names: frozenset[str] | set[str]) -> None:
        self.mn = mn
        self.names = frozenset(names)
        self._phase = (zlib.crc32(mn.encode()) % 997) / 997

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def active(self, name: str, when: dt.datetime) -> bool:
        if name not in self.names:
            return False
        window = WINDOWS.get(name)
        if window is None:
            return True
        period = window.every.total_seconds()
        seconds = when.replace(tzinfo=dt.UTC).timestamp() + self._phase * period
        return seconds % period < window.length.total_seconds()

    def value(self, value: float, limit: float, when: dt.datetime, *, pollutant: bool) -> float:
        if pollutant and self.active("exceedance", when):
            return round(limit * (1.3 + 0.4 * ((when.minute % 7) / 7)), 2)
        if self.active("zeros", when):
            return 0.0
        if self.active("negatives", when):
            return -round(abs(value) * 0.1 + 0.1, 2)
        return value

    def flag(self, when: dt.datetime) -> str:
        for name, flag in FLAG_EPISODES.items():
            if self.active(name, when):
                return flag
        return "N"
