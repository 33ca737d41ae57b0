"""The public compliance verdict is the alarm engine's (issue 15 rules 1 and 9): same limit, same O2 correction,
same variant, same "cannot judge"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from qingyuan.alarms import context
from qingyuan.alarms.choices import AlarmKind
from qingyuan.alarms.rules import Conditions, judge
from qingyuan.enterprises.models import Outlet
from qingyuan.portal import rules
from qingyuan.quality.compute import local_midnight
from qingyuan.quality.models import DailyValue
from qingyuan.quality.tests.support import permit
from qingyuan.test import make_point

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 20)
SO2, O2, COD = "a21026", "a19001", "w01018"


def _day(point, day: dt.date, code: str, mean: float, *, zs: float | None = None, unit: str = "mg/m3") -> None:
    DailyValue.objects.create(point=point, parameter=code, unit=unit, start=local_midnight(day), source="computed",
                              valid=True, n_expected=24, n_received=24, n_valid=24, mean=mean, zs_mean=zs,
                              computed_at=timezone.now(), day=day)


def _engine(point, code: str, mean: float, zs: float | None, o2: float | None) -> bool | None:
    """The engine's verdict on an hour of the same values: its judgement, read as complies / exceeds / cannot."""
    rule = context.load([point.pk])[point.pk].limit(code)
    start = local_midnight(TODAY)
    found = judge("hour", start, start + dt.timedelta(hours=1), code, mean, zs, True, rule,
                  context.load([point.pk])[point.pk].policy.rules, Conditions(o2=o2))
    if found is None or found.kind == AlarmKind.APPROACHING:
        return True
    return False if found.kind == AlarmKind.EXCEEDANCE else None


def test_it_judges_a_published_gas_day_as_the_alarm_engine_judges_the_same_values(world):
    """GB 13271-2014 表1 (in-use gas-fired boilers: SO2 100 mg/m3 at 3.5 % O2, §5.2 formula (1)); the permit row
    gives 200 mg/m3. Measured 120 at O2 12.5 %: 120 × 17.5 / 8.5 = 247.1 > 200, not complying (the old
    comparison of the raw 120 said it complied); the device's Zs 150 complies; without an O2, or at O2 19.5 %
    (the platform's ceiling), it cannot be judged; 180 at O2 3.5 % is 180 ≤ 200."""
    point = make_point(world.enterprise_a, "AAAA0000000000000000000G", medium="gas")
    Outlet.objects.filter(pk=point.outlet_id).update(standard="GB 13271-2014")
    permit(world.enterprise_a, point.outlet, {SO2: 200.0}, ref="GB 13271-2014 in_use-gas", unit="mg/m3")
    cases = [(120.0, None, 12.5, False), (120.0, 150.0, 12.5, True), (120.0, None, None, None),
             (5.0, None, 19.5, None), (180.0, None, 3.5, True)]
    for back, (mean, zs, o2, _) in enumerate(cases, start=1):
        day = TODAY - dt.timedelta(days=back)
        _day(point, day, SO2, mean, zs=zs)
        if o2 is not None:
            _day(point, day, O2, o2, unit="%")

    with time_machine.travel(local_midnight(TODAY) + dt.timedelta(hours=10), tick=False):
        rows = [r for r in rules.daily_rows(world.enterprise_a, TODAY - dt.timedelta(days=10), TODAY)
                if r["parameter"] == SO2]
        (summary,) = [r for r in rules.compliance(world.enterprise_a) if r["code"] == SO2]

    by_day = {r["day"]: r for r in rows}
    for back, (mean, zs, o2, expected) in enumerate(cases, start=1):
        shown = by_day[(TODAY - dt.timedelta(days=back)).isoformat()]
        assert shown["compliant"] is expected
        assert shown["compliant"] is _engine(point, SO2, mean, zs, o2)
        assert shown["limit"] == 200.0
    assert summary["windows"][30] == {"days": 3, "compliant": 2, "unjudged": 2, "rate": pytest.approx(2 / 3)}


def test_it_judges_an_outlet_under_special_limits_by_the_standards_special_column(world):
    """No permit row; the outlet is direct, under GB 31571-2015 and its special limits: 表2 直接排放 COD 50 mg/L
    (表1: 60). A day at 55 mg/L does not comply on the public page, as the engine judges it."""
    Outlet.objects.filter(pk=world.point_a.outlet_id).update(standard="GB 31571-2015", special_limits=True)
    _day(world.point_a, TODAY - dt.timedelta(days=1), COD, 55.0, unit="mg/L")
    _day(world.point_a, TODAY - dt.timedelta(days=2), COD, 50.0, unit="mg/L")

    with time_machine.travel(local_midnight(TODAY) + dt.timedelta(hours=10), tick=False):
        rows = rules.daily_rows(world.enterprise_a, TODAY - dt.timedelta(days=5), TODAY)

    assert [(r["day"], r["limit"], r["compliant"]) for r in rows] == [
        ((TODAY - dt.timedelta(days=2)).isoformat(), 50.0, True), ((TODAY - dt.timedelta(days=1)).isoformat(), 50.0,
                                                                   False)]
    rule = context.load([world.point_a.pk])[world.point_a.pk].limit(COD)
    start = local_midnight(TODAY - dt.timedelta(days=1))
    found = judge("day", start, start + dt.timedelta(days=1), COD, 55.0, None, True, rule, rule and
                  context.load([world.point_a.pk])[world.point_a.pk].policy.rules)
    assert found.kind == AlarmKind.EXCEEDANCE and found.detail["variant"] == "special_limits"
