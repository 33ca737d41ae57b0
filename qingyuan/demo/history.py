"""Thirteen months of monitoring history, written straight into the aggregate tables.

``make demo`` must start in about a minute, so the history is not pushed through the gateway
as minute packets: hourly values (``quality.HourlyValue``, about 1.9 million rows for the 66
points: written in chunks with ``executemany``), the daily values computed from them (mean, min,
max, volume and mass of the hours received; valid from 20 hours), monthly values and the daily
transmission KPIs (hours expected, received, valid: ``Outages`` decides which hours a device did
not send, and no value exists for them) are written in bulk. The simulator then sends the live hours. No readings are written, so the partitions of the
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
* the rebound case (``story.REBOUND``) drifts back toward its SO2 limit after its acceptance; by the
  last weeks its busiest hours exceed it again.

Two rules of ``quality.compute`` the rows follow (issue 15 rules 5 and 8):

* an analyser with a measuring cycle (``MonitoringPoint.measuring_cycle_min``, the demo's one
  two-hour COD/NH3-N point) gives a value every cycle: 12 hourly values a day are expected, each
  standing for its two hours' flow, and the day is valid from 10 of them (``validity.day_min_valid``);
* an hour that overlaps an out-of-control span (a failed calibration or comparison until the next
  passing one: ``quality.calibration``, seeded by ``quality.demo`` before the history) is invalid,
  and its day counts only its valid hours.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from qingyuan.demo.story import CLOSURES, REBOUND, ZONE, Calendar
from qingyuan.enterprises.models import Enterprise, MonitoringPoint, PermitLimit
from qingyuan.quality.calibration import NO_CHECKS, PointChecks, checks_many, overlaps
from qingyuan.quality.compute import DAY_COLUMNS, HOUR_COLUMNS, KEY, KPI_COLUMNS, MONTH_COLUMNS
from qingyuan.quality.conf import quality_settings
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily, MonthlyValue
from qingyuan.quality.upsert import Upsert
from qingyuan.quality.validity import day_min_valid, is_cycled, values_per_day
from qingyuan.standards import pollutant

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


@cache
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
        if s.enterprise is not None and s.enterprise.name in CLOSURES:
            status = "closed"  # the story's closures (their cases may still be open while the history is written)
        if s.accepted is not None:
            if day <= s.accepted:  # works going on: from the polluted start down toward the acceptance
                level = s.base * 1.2 - (s.base * 1.2 - 0.42) * max(0.0, (n - 61) / max(1, (s.accepted - self.first).days - 61))
            else:
                level = 0.33
                if s.enterprise is not None and s.enterprise.name == REBOUND and s.kind == "gas":
                    level += 0.07 * max(0.0, ((day - s.accepted).days - 20) / 30.4)
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
        self.checks: dict[int, PointChecks] = checks_many([s.point.pk for s in sources], self.now)
        self.cfg = quality_settings()
        daily: list[list[Any]] = []
        kpis: list[tuple[Any, ...]] = []
        months: dict[tuple[int, str, dt.date], list[float]] = {}
        senders = [s for s in sources if s.kind == "indirect"]
        hours = _Writer(HourlyValue, HOUR_COLUMNS)
        gaps = Outages(sources, self.first, self.last)
        recent = settings.QINGYUAN_DEMO_HOURLY_DAYS
        hourly_from = self.last - dt.timedelta(days=recent - 1) if recent else self.first
        for day in self.days:
            start = dt.datetime.combine(day, dt.time(), tzinfo=ZONE)
            plant_volume = sum(s.volume_m3 for s in senders if s.until is None or day <= s.until) + PLANT_DOMESTIC_M3
            for s in sources:
                if s.until is not None and day > s.until:
                    continue
                missing = gaps.missing(s, day)
                for code, (mean, volume) in self.values(s, day, plant_volume).items():
                    row, rows = self._day(s, code, start, mean, volume, missing)
                    if day >= hourly_from:
                        hours.add(rows)
                    kpis.append((s.point.pk, day, code, row[6] if row else self._expected(s, code), 0, len(rows),
                                 sum(1 for r in rows if r[5]), self.now))
                    acc = months.setdefault((s.point.pk, code, day.replace(day=1)),
                                            [0.0, 0.0, 0.0, 0, math.inf, -math.inf, 0, 0])
                    acc[6] += 1  # a day expected
                    if row is None:
                        continue
                    daily.append([*row, day])
                    acc[7] += 1  # a day received
                    acc[1] += row[15] or 0.0  # volume
                    acc[2] += row[16] or 0.0  # mass
                    if row[5]:  # a valid day: its mean counts
                        acc[0] += row[9]
                        acc[3] += 1
                        acc[4], acc[5] = min(acc[4], row[13]), max(acc[5], row[14])
            hours.flush_if_full()
        hours.flush()
        monthly = [self._month(pid, code, first, acc) for (pid, code, first), acc in months.items()]
        Upsert(DailyValue, DAY_COLUMNS, KEY).run(daily)
        Upsert(MonthlyValue, MONTH_COLUMNS, KEY).run(monthly)
        Upsert(KpiDaily, KPI_COLUMNS, ("point_id", "day", "parameter")).run(kpis)
        return {"daily": len(daily), "hourly": hours.written, "monthly": len(monthly)}

    def _row(self, s: Source, code: str, start: dt.datetime, n: tuple[int, int, int], mean: float, lo: float,
             hi: float, volume: float | None, valid_row: bool) -> list[Any]:
        flow = code in ("w00000", "a00000")
        divisor = 1e6 if code.startswith("a") else 1000.0
        mass = None if flow or volume is None or code in ("w01009", "w01001") else mean * volume / divisor
        zs = mean if code.startswith("a") and not flow else None
        expected, received, valid = n
        return [s.point.pk, start, code, _unit(code), "device", valid_row,
                expected, received, valid, mean, mean, mean, zs, lo, hi, volume, mass, (volume if flow else mass),
                mean, False, "N", self.now]

    def _cycle(self, s: Source, code: str) -> int:
        """Hours between two values of ``code``: 1, or the analyser's measuring cycle in hours (water)."""
        cycle = s.point.measuring_cycle_min
        if not is_cycled(code, s.kind != "gas", cycle):
            return 1
        return max(1, (cycle or 60) // 60)

    def _expected(self, s: Source, code: str) -> int:
        return values_per_day(s.point.measuring_cycle_min) if self._cycle(s, code) > 1 else 24

    def _day(self, s: Source, code: str, start: dt.datetime, mean: float, volume: float | None,
             missing: frozenset[int]) -> tuple[list[Any] | None, list[list[Any]]]:
        """The day's hourly rows (none for the hours the device did not send) and the day from them:
        mean, min, max, volume and mass of the hours received; valid from 20 valid hours on, or the share
        of the expected values of a cycled analyser (as ``quality.compute``). An hour in an out-of-control
        span is written invalid."""
        hours = []
        step = self._cycle(s, code)
        v = volume / 24 * step if volume is not None else None  # a cycled value stands for its cycle's flow
        end = start + dt.timedelta(days=1)
        spans = [sp for sp in self.checks.get(s.point.pk, NO_CHECKS).of(code) if overlaps([sp], start, end)]
        for h in range(0, 24, step):
            if h in missing:
                continue
            c = mean * WAVE[h] if code != "w01001" else mean  # busier by day; pH stays put
            hour = start + HOURS[h]
            ok = not (spans and overlaps(spans, hour, hour + HOURS[1]))
            hours.append(self._row(s, code, hour, (1, 1, int(ok)), c, c * 0.9, c * 1.1, v, ok))
        if not hours:
            return None, []
        n = len(hours)
        valid = sum(1 for h in hours if h[5])
        expected = self._expected(s, code)
        day_mean = sum(h[9] for h in hours) / n
        day_volume = v * n if v is not None else None
        ok = valid >= day_min_valid(expected, s.kind != "gas", self.cfg)
        row = self._row(s, code, start, (expected, n, valid), day_mean, min(h[13] for h in hours),
                        max(h[14] for h in hours), day_volume, ok)
        return row, hours

    def _month(self, pid: int, code: str, first: dt.date, acc: list[float]) -> list[Any]:
        total, volume, mass, n, lo, hi, expected, received = acc
        flow = code in ("w00000", "a00000")
        if n:
            mean = (mass * (1e6 if code.startswith("a") else 1000.0) / volume) if mass and volume else total / n
        else:
            mean, lo, hi = None, None, None
        start = dt.datetime.combine(first, dt.time(), tzinfo=ZONE)
        zs = mean if code.startswith("a") and not flow else None
        return [pid, start, code, _unit(code), "computed", n > 0, int(expected), int(received), int(n), mean,
                total / n if n else None, mean if volume else None, zs, lo, hi, volume or None,
                None if flow or not mass else mass, None, None, False, "", self.now, first]


WAVE = [1 + 0.12 * math.sin((h - 4) / 24 * 2 * math.pi) for h in range(24)]
HOURS = [dt.timedelta(hours=h) for h in range(24)]


class _Writer:
    """Hourly rows in chunks: 13 months of a county is about 1.9 million rows, so they are not held at once.

    SQLite: ``executemany`` of the upsert (no multi-row statement to build; measured as fast as
    ``Upsert.run`` and a plain INSERT, ~90,000 rows/s); PostgreSQL: ``Upsert.run`` (COPY)."""

    CHUNK = 100_000

    def __init__(self, model: Any, columns: tuple[str, ...]) -> None:
        self.upsert = Upsert(model, columns, KEY)
        self.rows: list[list[Any]] = []
        self.written = 0
        self.sqlite = connection.vendor == "sqlite"
        self.adapt = connection.ops.adapt_datetimefield_value
        self.starts: dict[dt.datetime, Any] = {}

    def add(self, rows: list[list[Any]]) -> None:
        self.rows.extend(rows)

    def flush_if_full(self) -> None:
        if len(self.rows) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if self.sqlite:
            seen, adapt = self.starts, self.adapt
            for row in self.rows:  # the same few thousand moments recur: adapted once each
                row[1] = seen.get(row[1]) or seen.setdefault(row[1], adapt(row[1]))
                row[-1] = seen.get(row[-1]) or seen.setdefault(row[-1], adapt(row[-1]))
            with connection.cursor() as cursor:
                cursor.executemany(self.upsert.head + self.upsert.row + self.upsert.tail, self.rows)
        else:
            self.upsert.run(self.rows)
        self.written += len(self.rows)
        self.rows = []


class Outages:
    """Which hours each device did not send: the transmission record behind 有效传输率.

    Most devices lose a single hourly record now and then (98–99.x %: short of the 2-hour offline
    alarm); a few flaky ones lose 3–10 hours on one day in seven or so (about 95–96 %); one logger
    is out for a whole week in the summer (``WEEK_OUT``: the power supply of its station house
    failed). The offline stretches are the ones ``qingyuan.alarms.history`` raises alarms for.
    Deterministic per point and day.
    """

    FLAKY = 4
    WEEK_OUT = (190, 7)  # days into the story, length in days

    def __init__(self, sources: list[Source], first: dt.date, last: dt.date) -> None:
        self.rate: dict[int, float] = {}
        self.flaky: set[int] = set()
        for s in sources:
            r = random.Random(zlib.crc32(s.point.mn.encode()) ^ 0x5A5A)
            self.rate[s.point.pk] = 0.04 + 0.4 * r.random()
        # Candidates: devices of plants that run all year, neither the rebound case nor the plant's inlet.
        steady = sorted((s for s in sources if s.enterprise is not None and s.until is None and s.accepted is None
                         and s.kind in ("gas", "indirect")), key=lambda s: s.point.pk)
        r = random.Random(20251103)
        picked = r.sample(steady, min(len(steady), self.FLAKY + 1)) if steady else []
        for s in picked[:-1]:
            self.flaky.add(s.point.pk)
            self.rate[s.point.pk] = 0.13 + 0.04 * r.random()
        self.week_point = picked[-1].point.pk if picked else None
        begin = first + dt.timedelta(days=self.WEEK_OUT[0])
        self.week = (begin, min(last, begin + dt.timedelta(days=self.WEEK_OUT[1] - 1)))

    def missing(self, s: Source, day: dt.date) -> frozenset[int]:
        pk = s.point.pk
        if pk == self.week_point and self.week[0] <= day <= self.week[1]:
            return ALL_HOURS
        r = random.Random(pk * 1_000_003 + day.toordinal())
        if r.random() >= self.rate[pk]:
            return NO_HOURS
        length = r.randint(3, 10) if pk in self.flaky else 1
        first = r.randrange(24)
        return frozenset(range(first, min(24, first + length)))


ALL_HOURS = frozenset(range(24))
NO_HOURS: frozenset[int] = frozenset()


def seed(park: Any, cal: Calendar, *, accepted: dict[str, dt.date], closed: dict[str, dt.date]) -> dict[str, int]:
    """Write the history once: nothing is done when the park's points already have a day in it."""
    if DailyValue.objects.filter(point__park=park, day=cal.start).exists():
        return {}
    history = History(park, cal)
    return history.run(history.sources(accepted, closed))
