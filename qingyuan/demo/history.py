"""Thirteen months of monitoring history, written straight into the aggregate tables.

``make demo`` must start in about a minute, so the history is not pushed through the gateway
as minute packets: daily values (``quality.DailyValue``) of every point for the whole story,
hourly values (``HourlyValue``) of the last ``HOURLY_DAYS`` days (the 30-day charts and each
point's latest hour; the simulator then sends the live hours), monthly values and the daily
transmission KPIs are upserted in bulk. No readings are written, so the partitions of the
readings table (``monitoring.partitions``) are not involved.

The figures add up the way the computed ones do: ``mass_kg = mean × volume / 1000`` (water,
mg/L × m³) or ``/ 10⁶`` (gas, mg/m³ × m³); a day's mass and volume are the sums of its hours',
a month's of its days'. The flows come from the permits: a point's daily volume is its
permitted annual volume / 365, so a plant at 60 % of its limit all year emits its permitted
annual load (the 2024 baseline of the loads app).

The story (``qingyuan.demo.story``):

* a polluted first winter: shares of the limit around 0.8, with days above it;
* plants under rectification improve through the year; accepted ones drop to about a third
  of their limits after the acceptance; operating ones stay level;
* the three plants closed in spring have no data from their closure on (their loggers are
  decommissioned); suspended, relocated and transformed plants send nothing after they stopped;
* the treatment plant's effluent falls as closed plants stop sending wastewater and the plant
  is upgraded; the river station's values follow the outbound section from class Ⅳ to Ⅲ;
* the rebound case (``story.REBOUND``) drifts back toward its SO2 limit after its acceptance.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from qingyuan.demo.story import REBOUND, ZONE, Calendar
from qingyuan.enterprises.models import Enterprise, MonitoringPoint, PermitLimit
from qingyuan.quality.compute import DAY_COLUMNS, HOUR_COLUMNS, KEY, KPI_COLUMNS, MONTH_COLUMNS
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue
from qingyuan.quality.upsert import Upsert
from qingyuan.standards import pollutant

HOURLY_DAYS = 31
WATER = ("w01018", "w21003")
GAS = ("a21026", "a21002", "a34013")
STATION = {"w01018": 0, "w21003": 1, "w21011": 2, "w01019": 3, "w01009": 4, "w01001": 5}
# Outbound river station, class Ⅳ before the clean-up and Ⅲ after (COD, NH3-N, TP, CODMn, DO, pH).
STATION_LEVELS = ((26.0, 1.30, 0.24, 8.2, 5.2, 7.3), (16.5, 0.72, 0.15, 4.9, 6.8, 7.4))
# Wastewater sent to the plant: (COD, NH3-N) mg/L before treatment, by the discharger's own pre-treatment.
INDIRECT = (320.0, 26.0)
INLET = (240.0, 21.0)
PLANT_DOMESTIC_M3 = 5200.0  # the town's sewage also treated at the plant (m³/d)
STOPPED = {"closed", "relocated", "transformed", "suspended"}


def _unit(code: str) -> str:
    p = pollutant(code)
    return p.default_unit if p is not None else ""


@dataclass
class Source:
    point: MonitoringPoint
    kind: str  # gas, indirect, effluent, inlet, station
    enterprise: Enterprise | None
    limits: dict[str, float] = field(default_factory=dict)
    volume_m3: float = 0.0  # per day
    base: float = 0.65  # share of the limit (or of the nominal concentration) before the clean-up
    until: dt.date | None = None  # last day with data (closures)
    accepted: dt.date | None = None


class History:
    def __init__(self, park: Any, cal: Calendar) -> None:
        self.park, self.cal = park, cal
        self.rng = random.Random(20251101)
        self.now = timezone.now()
        self.first = cal.start
        self.last = cal.today - dt.timedelta(days=1)
        self.hourly_from = cal.today - dt.timedelta(days=HOURLY_DAYS)
        self.days = [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    # ---- who sends what ---------------------------------------------------------------------------

    def sources(self, accepted: dict[str, dt.date], closed: dict[str, dt.date]) -> list[Source]:
        points = list(MonitoringPoint.objects.filter(park=self.park).select_related("outlet__enterprise")
                      .order_by("pk"))
        limits: dict[int, dict[str, float]] = defaultdict(dict)
        annual: dict[tuple[int, str], float] = {}
        for outlet_id, code, value, load in PermitLimit.objects.filter(
                outlet__enterprise__park=self.park).values_list(
                "outlet_id", "pollutant_code", "concentration_limit", "annual_load_t"):
            if value:
                limits[outlet_id][code] = float(value)
                if load:
                    annual[(outlet_id, code)] = float(load)
        out = []
        for p in points:
            e = p.outlet.enterprise if p.outlet_id else None  # type: ignore[union-attr]
            lim = limits.get(p.outlet_id or 0, {})
            if e is None:
                kind = "station"
            elif p.outlet.medium == "gas":  # type: ignore[union-attr]
                kind = "gas"
            elif "进水" in p.name:
                kind = "inlet"
            elif p.outlet.route == "direct":  # type: ignore[union-attr]
                kind = "effluent"
            else:
                kind = "indirect"
            s = Source(p, kind, e, lim)
            r = random.Random(zlib.crc32(p.mn.encode()))
            s.base = 0.5 + r.random() * 0.15
            if kind == "gas":
                code = next((c for c in ("a21026", "a34013", "a21002") if (p.outlet_id, c) in annual), None)
                s.volume_m3 = (annual[(p.outlet_id, code)] * 1e9 / (0.6 * lim[code]) / 365) if code else 0.0
            elif kind == "indirect":
                s.volume_m3 = 120.0 + r.random() * 330.0
            if e is not None:
                s.accepted = accepted.get(e.name)
                if e.name in closed:
                    s.until = closed[e.name] - dt.timedelta(days=1)  # the last day of production
                elif e.status in STOPPED:
                    s.until = e.status_since - dt.timedelta(days=1) if e.status_since else self.first
            out.append(s)
        return [s for s in out if s.until is None or s.until >= self.first]

    # ---- levels -------------------------------------------------------------------------------------

    def share(self, s: Source, day: dt.date) -> float:
        """The day's level as a share of the limit (or of the nominal concentration)."""
        n = (day - self.first).days
        winter = n < 61
        status = s.enterprise.status if s.enterprise is not None else "operating"
        if s.accepted is not None:
            if day <= s.accepted:  # works going on: from the polluted start down toward the acceptance
                level = s.base * 1.2 - (s.base * 1.2 - 0.42) * max(0.0, (n - 61) / max(1, (s.accepted - self.first).days - 61))
            else:
                level = 0.33
                if s.enterprise is not None and s.enterprise.name == REBOUND and s.kind == "gas":
                    level += 0.05 * max(0.0, ((day - s.accepted).days - 20) / 30.4)
        elif s.kind == "effluent":  # the plant: upgraded to class 1A, fewer dischargers
            level = 0.86 - 0.36 * self.cal.progress(day, 100, 220)
        elif status in ("rectifying", "closed") or s.until is not None:
            level = s.base * 1.2 - 0.25 * self.cal.progress(day, 61, len(self.days))
        else:
            # operating plants tighten too (the power plant's ultra-low-emission retrofit, better operation)
            level = s.base * (1.0 - 0.16 * self.cal.progress(day, 61, len(self.days)))
        if winter and s.kind != "station" and (s.accepted is not None or status in ("rectifying", "closed")
                                               or s.kind == "effluent"):
            level *= 1.15
            if self.rng.random() < 0.14:
                level = 1.08 + self.rng.random() * 0.4  # an exceedance day of the polluted start
        jitter = 1 + self.rng.uniform(-0.08, 0.08)
        if not winter:
            return min(0.93, level * jitter)
        return level * jitter

    # ---- rows ---------------------------------------------------------------------------------------

    def values(self, s: Source, day: dt.date, plant_volume: float) -> dict[str, tuple[float, float | None]]:
        """code → (mean, volume m³) of one day; the flow parameter under its own code."""
        f = self.share(s, day)
        if s.kind == "station":
            before, after = STATION_LEVELS
            g = self.cal.progress(day, 120, 240)
            out = {}
            for code, i in STATION.items():
                v = before[i] + (after[i] - before[i]) * g
                out[code] = (v * (1 + self.rng.uniform(-0.06, 0.06)) if code != "w01001" else v, None)
            return out
        if s.kind == "gas":
            rebound = s.enterprise is not None and s.enterprise.name == REBOUND and s.accepted and day > s.accepted
            # the rebound case: only its SO2 drifts back (the desulphurisation tower); the rest stays low
            out = {c: (s.limits[c] * (f if c == "a21026" or not rebound else 0.33 * (1 + self.rng.uniform(-0.08, 0.08))),
                       s.volume_m3) for c in GAS if c in s.limits}
            out["a00000"] = (s.volume_m3 / 86400, s.volume_m3)
            return out
        if s.kind == "effluent":
            vol = plant_volume
            out = {c: (s.limits[c] * f, vol) for c in WATER if c in s.limits}
        else:
            nominal = INLET if s.kind == "inlet" else INDIRECT
            vol = plant_volume if s.kind == "inlet" else s.volume_m3 * (1 + self.rng.uniform(-0.1, 0.1))
            out = {c: (nominal[i] * f / 0.65, vol) for i, c in enumerate(WATER)}
        out["w00000"] = (vol * 1000 / 86400, vol)
        return out

    def run(self, sources: list[Source]) -> dict[str, int]:
        daily: list[list[Any]] = []
        hourly: list[list[Any]] = []
        kpis: list[tuple[Any, ...]] = []
        months: dict[tuple[int, str, dt.date], list[float]] = {}
        senders = [s for s in sources if s.kind == "indirect"]
        for day in self.days:
            start = dt.datetime.combine(day, dt.time(), tzinfo=ZONE)
            plant_volume = sum(s.volume_m3 for s in senders if s.until is None or day <= s.until) + PLANT_DOMESTIC_M3
            for s in sources:
                if s.until is not None and day > s.until:
                    continue
                for code, (mean, volume) in self.values(s, day, plant_volume).items():
                    row, hours = self._day(s, code, start, mean, volume, hourly=day >= self.hourly_from)
                    daily.append([*row, day])
                    hourly.extend(hours)
                    kpis.append((s.point.pk, day, code, 24, 0, 24, 24, self.now))
                    key = (s.point.pk, code, day.replace(day=1))
                    acc = months.setdefault(key, [0.0, 0.0, 0.0, 0, math.inf, -math.inf])
                    acc[0] += row[9] or 0.0  # mean
                    acc[1] += row[15] or 0.0  # volume
                    acc[2] += row[16] or 0.0  # mass
                    acc[3] += 1
                    acc[4], acc[5] = min(acc[4], row[9]), max(acc[5], row[9])
        monthly = [self._month(pid, code, first, acc) for (pid, code, first), acc in months.items()]
        Upsert(DailyValue, DAY_COLUMNS, KEY).run(daily)
        Upsert(HourlyValue, HOUR_COLUMNS, KEY).run(hourly)
        Upsert(MonthlyValue, MONTH_COLUMNS, KEY).run(monthly)
        Upsert(KpiDaily, KPI_COLUMNS, ("point_id", "day", "parameter")).run(kpis)
        return {"daily": len(daily), "hourly": len(hourly), "monthly": len(monthly)}

    def _row(self, s: Source, code: str, start: dt.datetime, n: int, mean: float, lo: float, hi: float,
             volume: float | None) -> list[Any]:
        flow = code in ("w00000", "a00000")
        divisor = 1e6 if code.startswith("a") else 1000.0
        mass = None if flow or volume is None or code in ("w01009", "w01001") else mean * volume / divisor
        zs = mean if code.startswith("a") and not flow else None
        return [s.point.pk, start, code, _unit(code), "device", True, n, n, n, mean, mean, mean, zs, lo, hi,
                volume, mass, (volume if flow else mass), mean, False, "N", self.now]

    def _day(self, s: Source, code: str, start: dt.datetime, mean: float, volume: float | None, *,
             hourly: bool) -> tuple[list[Any], list[list[Any]]]:
        if not hourly:
            return self._row(s, code, start, 24, mean, mean * 0.8, mean * 1.2, volume), []
        hours = []
        for h in range(24):
            wave = 0.12 * math.sin((h - 4) / 24 * 2 * math.pi)  # busier by day
            c = mean * (1 + wave) if code != "w01001" else mean
            v = volume / 24 if volume is not None else None
            hours.append(self._row(s, code, start + dt.timedelta(hours=h), 1, c, c * 0.9, c * 1.1, v))
        means = [h[9] for h in hours]
        day_mean = sum(means) / 24
        return self._row(s, code, start, 24, day_mean, min(means), max(means), volume), hours

    def _month(self, pid: int, code: str, first: dt.date, acc: list[float]) -> list[Any]:
        total, volume, mass, n, lo, hi = acc
        flow = code in ("w00000", "a00000")
        mean = (mass * (1e6 if code.startswith("a") else 1000.0) / volume) if mass and volume else total / n
        start = dt.datetime.combine(first, dt.time(), tzinfo=ZONE)
        zs = mean if code.startswith("a") and not flow else None
        return [pid, start, code, _unit(code), "computed", True, int(n), int(n), int(n), mean, total / n,
                mean if volume else None, zs, lo, hi, volume or None, None if flow or not mass else mass,
                None, None, False, "", self.now, first]


def seed(park: Any, cal: Calendar, *, accepted: dict[str, dt.date], closed: dict[str, dt.date]) -> dict[str, int]:
    """Write the history once: nothing is done when the park's points already have a day in it."""
    if DailyValue.objects.filter(point__park=park, day=cal.start).exists():
        return {}
    history = History(park, cal)
    return history.run(history.sources(accepted, closed))
