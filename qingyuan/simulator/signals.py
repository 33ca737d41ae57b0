"""What the simulated instruments measure: daily cycles, noise, and the scenarios' distortions.

Values are a pure function of (MN, code, time): the same minute always gives the
same number, so a restarted simulator that sends history again sends the same
data (and the platform's upsert changes nothing). Standard library only.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    base: float  # mean level
    swing: float  # daily cycle amplitude, as a fraction of base
    noise: float  # random noise, as a fraction of base
    decimals: int
    limit: float  # a typical discharge limit, for exceedance episodes when the permit names none
    peak_hour: float = 14.0  # local hour of the daily maximum
    total: str | None = None  # how -Cou is computed: "mass_water", "mass_gas", "volume" or None


WATER = {
    "w01018": Profile(45.0, 0.25, 0.06, 1, 100.0, total="mass_water"),  # COD mg/L
    "w21003": Profile(4.0, 0.30, 0.08, 2, 15.0, total="mass_water"),  # NH3-N mg/L
    "w21011": Profile(0.6, 0.20, 0.08, 3, 2.0, total="mass_water"),  # TP mg/L
    "w21001": Profile(14.0, 0.20, 0.06, 2, 30.0, total="mass_water"),  # TN mg/L
    "w01001": Profile(7.3, 0.02, 0.01, 2, 9.0, peak_hour=15.0),  # pH
    "w00000": Profile(6.0, 0.45, 0.05, 2, 1e9, peak_hour=10.0, total="volume"),  # flow L/s
}
SURFACE_WATER = {
    "w01018": Profile(14.0, 0.15, 0.05, 1, 20.0),
    "w21003": Profile(0.45, 0.25, 0.08, 3, 1.0),
    "w21011": Profile(0.12, 0.20, 0.08, 3, 0.2),
    "w21001": Profile(0.9, 0.15, 0.06, 2, 1.0),
    "w01001": Profile(7.6, 0.03, 0.01, 2, 9.0),
    "w01009": Profile(7.2, 0.15, 0.04, 2, 1e9, peak_hour=15.0),  # dissolved oxygen mg/L
    "w01010": Profile(18.0, 0.10, 0.02, 1, 1e9, peak_hour=16.0),  # water temperature
}
GAS = {
    "a21026": Profile(38.0, 0.20, 0.08, 2, 200.0, total="mass_gas"),  # SO2 mg/m3
    "a21002": Profile(85.0, 0.20, 0.07, 1, 200.0, total="mass_gas"),  # NOx mg/m3
    "a34013": Profile(9.0, 0.25, 0.10, 2, 30.0, total="mass_gas"),  # particulates mg/m3
    "a19001": Profile(9.5, 0.08, 0.03, 1, 1e9, peak_hour=3.0),  # O2 %
    "a01012": Profile(88.0, 0.10, 0.02, 1, 1e9),  # flue gas temperature
    "a01011": Profile(12.0, 0.20, 0.04, 2, 1e9),  # velocity m/s
    "a00000": Profile(14.0, 0.30, 0.04, 2, 1e9, total="volume"),  # flue gas flow m3/s
}
EPOCH = dt.datetime(2000, 1, 1)
CORRECTED = frozenset({"a21026", "a21002", "a34013"})  # sent with Zs (O2-corrected) values
REFERENCE_O2 = 9.0


def profiles_for(medium: str, st: str) -> dict[str, Profile]:
    if medium == "gas":
        return GAS
    return SURFACE_WATER if st == "21" else WATER


def _unit_noise(mn: str, code: str, minute: int) -> float:
    """A reproducible number in [-1, 1) for (MN, code, minute since the epoch)."""
    return zlib.crc32(f"{minute}|{code}|{mn}".encode()) / 2**31 - 1


@functools.lru_cache(maxsize=4096)
def _phase(mn: str) -> float:
    return (zlib.crc32(mn.encode()) % 1000) / 1000.0


def level(mn: str, code: str, p: Profile, when: dt.datetime, scale: float = 1.0) -> float:
    """The instrument's value at ``when`` (local time, naive): daily cycle plus noise."""
    hours = when.hour + when.minute / 60 + when.second / 3600
    cycle = math.cos((hours - p.peak_hour) / 24 * 2 * math.pi)
    minute = int((when - EPOCH).total_seconds() // 60)
    smooth = 0.6 * _unit_noise(mn, code, minute) + 0.4 * _unit_noise(mn, code, minute // 10)
    base = p.base * scale * (0.85 + 0.3 * _phase(mn + code))
    value = base * (1 + p.swing * cycle + p.noise * smooth)
    return round(max(value, 0.0), p.decimals)


@dataclass(frozen=True, slots=True)
class Stats:
    avg: float
    min: float
    max: float


def interval_stats(mn: str, code: str, p: Profile, start: dt.datetime, seconds: int, scale: float = 1.0) -> Stats:
    """Average, minimum and maximum over ``[start, start + seconds)`` from samples every minute or so."""
    steps = max(3, min(seconds // 120, 6))
    values = [level(mn, code, p, start + dt.timedelta(seconds=seconds * i / steps), scale) for i in range(steps)]
    return Stats(round(sum(values) / len(values), p.decimals), min(values), max(values))


def total(p: Profile, avg: float, flow_avg: float | None, seconds: int, medium: str) -> float | None:
    """-Cou: volume over the interval for flows; mass (kg) for pollutants when a flow is measured."""
    if p.total is None:
        return None
    if p.total == "volume":
        litres_or_m3 = avg * seconds  # L/s x s = L (water); m3/s x s = m3 (gas)
        return round(litres_or_m3 / 1000 if medium == "water" else litres_or_m3, 3)
    if flow_avg is None:
        return None
    if p.total == "mass_water":  # mg/L x L -> kg
        return round(avg * flow_avg * seconds / 1e6, 4)
    return round(avg * flow_avg * seconds / 1e6, 4)  # mg/m3 x m3 -> kg


def corrected(value: float, o2: float | None) -> float:
    """Concentration converted to the reference oxygen content (Zs values)."""
    if o2 is None or o2 >= 20.5:
        return value
    return round(value * (21 - REFERENCE_O2) / (21 - o2), 2)
