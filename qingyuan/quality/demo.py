"""The demo county's calibrations and comparisons (issue 15 rule 8), seeded before its year of history.

A believable routine, not a regulation quoted (docs/monitoring.md says what was checked):

* every CEMS (gas) point: a zero and a span calibration entered by hand every 15 days
  (the analysers' daily automatic zero/span checks are the device's own ``C`` flags, not records);
* every point: a comparison test (比对) against the county monitoring station's reference
  measurement once a quarter;
* three comparisons fail — two CEMS points (SO₂) and one wastewater point (COD) — and are
  re-tested and passed two days later. The hours between are out of control: the history
  (``qingyuan.demo.history``) writes them invalid, as ``quality.compute`` would.

The rows are written with ``core.bulk.create`` (one ``calibration.record`` audit entry per check,
dated the day it tells of), not through ``do_record_calibration``: that action makes the hours from
the check on pending for recomputation, and the demo has no minute readings to recompute from.
Idempotent: nothing is written when the park has any check.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qingyuan.core import audit, bulk
from qingyuan.demo.story import ACCEPTED, CLOSURES, REBOUND, Calendar, moment
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.quality.choices import CalibrationKind, CalibrationSource
from qingyuan.quality.models import Calibration

ROUTINE_EVERY = 15  # days between a CEMS point's hand-entered zero/span calibrations
ROUTINE_FIRST = 7  # the first one, days into the story
COMPARISON_DAYS = (40, 131, 222, 313)  # a quarter apart, clear of the routine days (≥ 3 days before the next)
RETEST_AFTER = dt.timedelta(days=2, hours=5)  # a failed comparison is re-tested and passes
# (quarter index, medium, parameter): which comparisons fail
FAILURES = ((1, "gas", "a21026"), (2, "gas", "a21026"), (3, "water", "w01018"))
STOPPED = ("closed", "relocated", "transformed", "suspended")
# The water point whose analysers (COD, NH3-N) measure every two hours (seed.py sets it on the point).
CYCLED_ENTERPRISE = "江右绿源环保科技有限公司"
CYCLE_MIN = 120


@dataclass(frozen=True)
class Check:
    point: MonitoringPoint
    kind: str
    at: dt.datetime
    passed: bool
    parameter: str = ""
    note: str = ""


def _until(point: MonitoringPoint, cal: Calendar) -> dt.date:
    """The point's last day of data: the day before its plant closed or stopped, else yesterday."""
    e = point.outlet.enterprise if point.outlet_id else None  # type: ignore[union-attr]
    last = cal.today - dt.timedelta(days=1)
    if e is None:
        return last
    if e.name in CLOSURES and (closed := cal.closure(e.name)):
        return min(last, closed - dt.timedelta(days=1))
    if e.status in STOPPED and e.status_since:
        return min(last, e.status_since - dt.timedelta(days=1))
    return last


def _failing(points: list[MonitoringPoint]) -> dict[int, MonitoringPoint]:
    """quarter → the point whose comparison fails: steady plants (operating all year, not the rebound case,
    not the treatment plant or the cycled point), spread over the list; never the same point twice."""
    steady = {"gas": [], "water": []}  # type: dict[str, list[MonitoringPoint]]
    for p in points:
        e = p.outlet.enterprise if p.outlet_id else None  # type: ignore[union-attr]
        if (e is None or e.status != "operating" or e.name in CLOSURES or e.name in ACCEPTED or e.name == REBOUND
                or e.name == CYCLED_ENTERPRISE or e.industry == "N77"):
            continue
        steady[p.outlet.medium].append(p)  # type: ignore[union-attr]
    out: dict[int, MonitoringPoint] = {}
    for n, (quarter, medium, _code) in enumerate(FAILURES):
        pool = steady[medium]
        if pool:
            out[quarter] = pool[(n * 7 + 3) % len(pool)]
            pool.remove(out[quarter])
    return out


def schedule(points: list[MonitoringPoint], cal: Calendar) -> Iterator[Check]:
    """The checks of the story's year, in time order per point (deterministic)."""
    failing = _failing(points)
    codes = {quarter: code for quarter, _medium, code in FAILURES}
    for p in points:
        until = _until(p, cal)
        gas = p.outlet is not None and p.outlet.medium == "gas"
        if gas:
            for offset in range(ROUTINE_FIRST, (until - cal.start).days + 1, ROUTINE_EVERY):
                day = cal.start + dt.timedelta(days=offset)
                yield Check(p, CalibrationKind.ZERO, moment(day, 9, 30), True, note="零点校准，漂移在允许范围内")
                yield Check(p, CalibrationKind.SPAN, moment(day, 9, 50), True, note="量程校准（标准气体），漂移在允许范围内")
        for quarter, offset in enumerate(COMPARISON_DAYS):
            day = cal.start + dt.timedelta(days=offset)
            if day > until:
                break
            at = moment(day, 10)
            if failing.get(quarter) == p:
                code = codes[quarter]
                retest = at + RETEST_AFTER
                yield Check(p, CalibrationKind.COMPARISON, at, False, code,
                            "县监测站比对监测：相对准确度不合格，数据自此失控，运维单位检修")
                if retest.date() <= until:
                    yield Check(p, CalibrationKind.COMPARISON, retest, True, code, "检修后复测合格")
            else:
                yield Check(p, CalibrationKind.COMPARISON, at, True,
                            note="县监测站季度比对监测合格" if gas else "实际水样比对（3个数据对）合格")


def seed(seeder: Any) -> None:
    park = seeder.park
    if Calibration.objects.filter(point__park=park).exists():
        return
    points = list(MonitoringPoint.objects.filter(park=park, outlet__isnull=False)
                  .select_related("outlet__enterprise").order_by("pk"))
    user = seeder.users["epb"]  # the county bureau enters the operators' and the station's reports
    name = audit.user_name(user)
    by_day: dict[dt.date, list[Calibration]] = defaultdict(list)
    for c in schedule(points, seeder.story):
        recorded = c.at + dt.timedelta(hours=6)  # entered the same afternoon
        by_day[recorded.date()].append(Calibration(
            point=c.point, parameter=c.parameter, kind=c.kind, at=c.at, passed=c.passed,
            source=CalibrationSource.MANUAL, note=c.note, recorded_by=user, recorded_by_name=name,
            recorded_at=recorded))
    written = failed = 0
    for day in sorted(by_day):
        rows = by_day[day]
        bulk.create(rows, action="calibration.record", acting_user=user, time=rows[0].recorded_at,
                    related=lambda r: r.point,
                    after=lambda r: {"parameter": r.parameter, "kind": r.kind, "at": r.at.isoformat(),
                                     "passed": r.passed, "source": r.source, "note": r.note})
        written += len(rows)
        failed += sum(1 for r in rows if not r.passed)
    seeder.log(f"calibrations: {written} checks, {failed} failed")
