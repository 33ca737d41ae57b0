"""Monthly values keep the days that have a mass (count, mask, first day), also when a day arrives late."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.db import connection

from qingyuan.quality import compute, pending
from qingyuan.quality.models import MonthlyValue, Touched

from .support import at, readings

pytestmark = pytest.mark.django_db
fill_migration = importlib.import_module("qingyuan.quality.migrations.0002_month_mass_days")


def _hours_with_mass(point, day: str, hours: int = 20) -> None:
    """``hours`` hours of COD 50 mg/L at 10 L/s from local midnight of ``day``: a day with a mass."""
    readings(point, "minute", at(f"{day} 00:00"), "w01018", [50.0] * (6 * hours))
    readings(point, "minute", at(f"{day} 00:00"), "w00000", [10.0] * (6 * hours))


def _days(point, code="w01018"):
    m = MonthlyValue.objects.get(point=point, parameter=code, month=dt.date(2026, 3, 1))
    return m.mass_days, m.mass_day_mask, m.first_mass_day


def test_it_stores_the_days_with_a_mass_of_each_month(world):
    _hours_with_mass(world.point_a, "2026-03-02")
    _hours_with_mass(world.point_a, "2026-03-31")
    readings(world.point_a, "minute", at("2026-03-05 00:00"), "w01018", [50.0] * 6)  # no flow: no mass

    compute.recompute([world.point_a.pk], dt.date(2026, 3, 1), dt.date(2026, 3, 31))

    assert _days(world.point_a) == (2, (1 << 1) | (1 << 30), dt.date(2026, 3, 2))
    flow = MonthlyValue.objects.get(point=world.point_a, parameter="w00000")
    assert (flow.mass_days, flow.mass_day_mask, flow.first_mass_day) == (0, 0, None)  # volumes, no mass


def test_it_recomputes_the_month_when_a_late_day_is_computed_by_the_worker(world):
    _hours_with_mass(world.point_a, "2026-03-10")
    compute.recompute([world.point_a.pk], dt.date(2026, 3, 10), dt.date(2026, 3, 10))
    assert _days(world.point_a) == (1, 1 << 9, dt.date(2026, 3, 10))

    _hours_with_mass(world.point_a, "2026-03-04")  # data of the 4th, a week late
    with time_machine.travel(at("2026-03-11 09:05"), tick=False):
        Touched.objects.create(items=[[world.point_a.pk, "minute", at("2026-03-04 00:00").isoformat(),
                                       at("2026-03-04 19:50").isoformat()]],
                               created_at=at("2026-03-11 09:05"), evaluated_at=at("2026-03-11 09:05"))
        pending.drain_touched()
        assert pending.process_due() > 0  # the late hours, at once
        assert pending.process_due() > 0  # then their day, with its month

    assert _days(world.point_a) == (2, (1 << 3) | (1 << 9), dt.date(2026, 3, 4))
    month = MonthlyValue.objects.get(point=world.point_a, parameter="w01018")
    assert month.mass_kg == pytest.approx(2 * 36.0)


def test_the_migration_fills_existing_months_from_their_days(world):
    _hours_with_mass(world.point_a, "2026-03-01")
    _hours_with_mass(world.point_a, "2026-03-17")
    compute.recompute([world.point_a.pk], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    computed = {m.pk: (m.mass_days, m.mass_day_mask, m.first_mass_day) for m in MonthlyValue.objects.all()}
    MonthlyValue.objects.update(mass_days=None, mass_day_mask=None, first_mass_day=None)

    with connection.cursor() as cursor:
        cursor.execute(fill_migration.FILL[connection.vendor])

    assert {m.pk: (m.mass_days, m.mass_day_mask, m.first_mass_day) for m in MonthlyValue.objects.all()} == computed
    assert computed and all(v[0] is not None for v in computed.values())


def test_refresh_months_stores_the_days_of_daily_values_written_directly(world):
    from qingyuan.loads.tests.helpers import daily

    daily(world.point_a, "w01018", dt.date(2026, 3, 3), kg=5.0, refresh=False)
    daily(world.point_a, "w01018", dt.date(2026, 3, 9), kg=None, refresh=False)
    assert not MonthlyValue.objects.exists()

    assert compute.refresh_months([world.point_a.pk], [dt.date(2026, 3, 3)]) == 1

    assert _days(world.point_a) == (1, 1 << 2, dt.date(2026, 3, 3))
