"""One "permit in force on a date" (issue 15, join 2): every reader of permit limits gets the same permit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine
from django.utils import timezone

from qingyuan.alarms import context
from qingyuan.enterprises.models import Permit, PermitLimit
from qingyuan.enterprises.permits import in_force, limits_in_force, permit_in_force
from qingyuan.loads import actions as load_actions
from qingyuan.loads.totals import quotas
from qingyuan.monitoring.models import DeviceState, Reading
from qingyuan.quality.services import limits_of

_N = iter(range(1000))


def _permit(world, start, end, cod, *, annual=None):
    p = Permit.objects.create(enterprise=world.enterprise_a, number=f"PIF-{next(_N)}", issuer="县环保局",
                              valid_from=start, valid_to=end)
    PermitLimit.objects.create(permit=p, outlet=world.point_a.outlet, pollutant_code="w01018",
                               concentration_limit=Decimal(cod), unit="mg/L", standard_ref="GB 8978-1996 表4 grade1",
                               annual_load_t=Decimal(annual) if annual is not None else None)
    return p


def test_it_picks_the_permit_covering_the_day_else_the_latest_ending(world):
    old = _permit(world, dt.date(2020, 1, 1), dt.date(2024, 12, 31), "100")
    new = _permit(world, dt.date(2025, 1, 1), dt.date(2029, 12, 31), "60")
    ent = world.enterprise_a.pk
    assert in_force([ent], dt.date(2024, 6, 1)) == {ent: old.pk}
    assert in_force([ent], dt.date(2025, 1, 1)) == {ent: new.pk}
    assert in_force([ent], dt.date(2031, 1, 1)) == {ent: new.pk}  # lapsed: the latest-ending stands in
    assert in_force([ent], dt.date(2019, 1, 1)) == {ent: new.pk}
    assert in_force([world.enterprise_b.pk], dt.date(2025, 1, 1)) == {}
    assert permit_in_force(ent, dt.date(2024, 12, 31)) == old
    assert list(limits_in_force([ent], dt.date(2026, 3, 1)).values_list("concentration_limit", flat=True)) == [60]


def test_it_gives_loads_the_same_permit(world):
    _permit(world, dt.date(2020, 1, 1), dt.date(2024, 12, 31), "100", annual="30")
    _permit(world, dt.date(2025, 1, 1), dt.date(2029, 12, 31), "60", annual="12")
    ent = world.enterprise_a.pk
    assert quotas([ent], 2024, dt.date(2024, 6, 1)) == {ent: {"w01018": 30.0}}
    assert quotas([ent], 2025, dt.date(2025, 6, 1)) == {ent: {"w01018": 12.0}}
    assert load_actions.baselines_from_permit(world.enterprise_a, 2024) == {"w01018": Decimal("30")}
    assert load_actions.baselines_from_permit(world.enterprise_a, 2026) == {"w01018": Decimal("12")}


def _live_limit(client, world) -> str:
    return client.get(f"/inspections/enterprise/{world.enterprise_a.pk}/live/").content.decode()


@time_machine.travel(dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_it_shows_inspectors_the_limit_the_alarm_engine_judges_against(world, as_user):
    """At 00:30 in Shanghai on the first day of a renewed permit (still the previous day in UTC) the engine
    judges COD against the new permit's 60 mg/L; the inspectors' live page marks 61.5 against the same 60,
    and the compliance page lists the same row (before, the live page read the UTC date: no limit at all)."""
    _permit(world, dt.date(2021, 3, 1), dt.date(2026, 2, 28), "100")
    _permit(world, dt.date(2026, 3, 1), dt.date(2031, 2, 28), "60")
    now = timezone.now()
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=now)
    Reading.objects.create(point=world.point_a, kind="realtime", time=now - dt.timedelta(minutes=1),
                           parameter="w01018", rtd=61.5, flag="N")
    judged = context.load([world.point_a.pk])[world.point_a.pk].limit("w01018")
    assert judged.value == 60.0
    page = _live_limit(as_user(world.inspector), world)
    assert "61.5" in page and "table-danger" in page  # above 60 (the old permit's 100 would not mark it)
    assert [(r.code, r.limit) for r in limits_of(world.enterprise_a)] == [("w01018", 60.0)]


def test_it_keeps_judging_and_showing_a_lapsed_permit(world, as_user):
    """A permit whose renewal has not been entered: the engine and the live page both keep its limits."""
    today = timezone.localdate()
    _permit(world, today - dt.timedelta(days=900), today - dt.timedelta(days=1), "60")
    now = timezone.now()
    Reading.objects.create(point=world.point_a, kind="realtime", time=now - dt.timedelta(minutes=1),
                           parameter="w01018", rtd=61.5, flag="N")
    assert context.load([world.point_a.pk])[world.point_a.pk].limit("w01018").value == 60.0
    page = _live_limit(as_user(world.inspector), world)
    assert "61.5" in page and "table-danger" in page
