"""The monthly path of ``loads.masses`` gives the figures of the daily values, on random data.

The reference is the former implementation, which summed every daily value (kept here as the oracle).
Random data per seed: several points per enterprise (direct and indirect), partial months, days without
a mass, a day after ``as_of`` in its month, a month whose row does not know its days (a bulk writer),
late values whose month the worker computes again, and whole-enterprise stop declarations.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import ExtractMonth

from qingyuan.enterprises.models import MonitoringPoint, Outlet
from qingyuan.loads import totals
from qingyuan.loads.masses import Mass, masses
from qingyuan.loads.models import LoadPolicy
from qingyuan.loads.tests.helpers import daily
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.compute import local_midnight, refresh_months
from qingyuan.quality.models import DailyValue, MonthlyValue, StopDeclaration
from qingyuan.test import make_enterprise

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)  # park_world's frozen day


def daily_masses(points: dict[int, int], year: int, as_of: dt.date, codes=None) -> dict[tuple[int, str], Mass]:
    """The former ``totals.masses``: every daily value of the year up to ``as_of``, grouped by the database."""
    qs = DailyValue.objects.filter(point_id__in=list(points), day__gte=dt.date(year, 1, 1), day__lte=as_of,
                                   mass_kg__isnull=False)
    if codes is not None:
        qs = qs.filter(parameter__in=list(codes))
    direct = Q(point__outlet__route="direct")
    rows = (qs.annotate(m=ExtractMonth("day"))
            .values_list("point__outlet__enterprise_id", "parameter", "m")
            .annotate(kg=Sum("mass_kg"), days=Count("day", distinct=True), direct_kg=Sum("mass_kg", filter=direct),
                      direct_days=Count("day", distinct=True, filter=direct), first=Min("day"),
                      direct_first=Min("day", filter=direct)).order_by())
    out: dict[tuple[int, str], Mass] = {}
    for ent, code, month, kg, days, direct_kg, direct_days, first, direct_first in rows:
        mass = out.setdefault((ent, code), Mass())
        mass.months_t[month - 1] += (kg or 0.0) / 1000
        mass.direct_months_t[month - 1] += (direct_kg or 0.0) / 1000
        mass.days += days
        mass.direct_days += direct_days
        mass.first_day = first if mass.first_day is None else min(mass.first_day, first)
        if direct_first is not None:
            mass.direct_first_day = direct_first if mass.direct_first_day is None else min(mass.direct_first_day,
                                                                                        direct_first)
    return out


def _point(enterprise, code: str, medium: str, plant=None) -> MonitoringPoint:
    outlet = Outlet.objects.create(enterprise=enterprise, medium=medium, code=code, name=code,
                                   route="indirect" if plant else "direct", receiving_plant=plant)
    return MonitoringPoint.objects.create(park=enterprise.park, outlet=outlet, name=f"{enterprise.name}{code}",
                                          mn=f"EQ{enterprise.pk:04d}{code}", password="123456",
                                          st="32" if medium == "water" else "31")


def _random_data(world, seed: int) -> list:
    rng = random.Random(seed)
    park = world.park
    plant = make_enterprise(park, "污水处理厂", 801)
    ents = [make_enterprise(park, f"等价企业{i}", 810 + i) for i in range(3)]
    series = [  # (point, codes)
        (_point(plant, "DW001", "water"), ("w01018", "w21003")),
        (_point(ents[0], "DW001", "water"), ("w01018", "w21003")),
        (_point(ents[0], "DW002", "water", plant), ("w01018",)),  # two water points, one indirect
        (_point(ents[0], "DA001", "gas"), ("a21026", "a21002")),
        (_point(ents[1], "DW001", "water", plant), ("w01018", "w21003")),
        (_point(ents[1], "DW002", "water", plant), ("w01018",)),  # two indirect points
        (_point(ents[2], "DA001", "gas"), ("a21026",)),
        (_point(ents[2], "DA002", "gas"), ("a21026",)),
    ]
    rows = []
    for point, codes in series:
        start = dt.date(2025, 11, 1) + dt.timedelta(days=rng.randrange(0, 300))  # monitoring begins any day
        for code in codes:
            day = start
            while day <= TODAY + dt.timedelta(days=1):  # the 30th: a day after as_of in its month
                if rng.random() < 0.7:
                    kg = None if rng.random() < 0.1 else round(rng.uniform(0, 80), 3)
                    rows.append(DailyValue(point=point, parameter=code, unit="mg/L", start=local_midnight(day),
                                           day=day, source="computed", valid=True, n_expected=24, n_received=24,
                                           n_valid=24, mean=20.0, mass_kg=kg, computed_at=local_midnight(day)))
                day += dt.timedelta(days=rng.choice((1, 1, 1, 2, 9)))
    DailyValue.objects.bulk_create(rows)
    months = sorted({r.day for r in rows})
    refresh_months([p.pk for p, _ in series], months)  # what the quality worker stores
    # late values: computed again by the worker, as a day's computation does for its month
    for point, codes in rng.sample(series, 3):
        day = dt.date(2026, rng.randrange(1, 11), rng.randrange(1, 28))
        if not DailyValue.objects.filter(point=point, parameter=codes[0], day=day).exists():
            daily(point, codes[0], day, kg=rng.uniform(1, 50))
    # a bulk writer's months, without their days: read from the daily values
    stale = rng.sample(list(MonthlyValue.objects.values_list("pk", flat=True)), 5)
    MonthlyValue.objects.filter(pk__in=stale).update(mass_days=None, mass_day_mask=None, first_mass_day=None)
    for ent in rng.sample([plant, *ents], 2):
        first = dt.date(2026, rng.randrange(1, 11), rng.randrange(1, 20))
        StopDeclaration.objects.create(enterprise=ent, start=local_midnight(first),
                                       end=local_midnight(first + dt.timedelta(days=rng.randrange(1, 12))),
                                       reason="检修", status=DeclarationStatus.APPROVED)
    return [plant, *ents]


def _same(a: dict[tuple[int, str], Mass], b: dict[tuple[int, str], Mass]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        assert (x.days, x.direct_days, x.first_day, x.direct_first_day) == (
            y.days, y.direct_days, y.first_day, y.direct_first_day), key
        assert x.months_t == pytest.approx(y.months_t, rel=1e-12, abs=1e-12), key
        assert x.direct_months_t == pytest.approx(y.direct_months_t, rel=1e-12, abs=1e-12), key


AS_OF = [(2026, TODAY), (2026, dt.date(2026, 6, 15)), (2026, dt.date(2026, 2, 28)), (2025, dt.date(2025, 12, 31)),
         (2026, dt.date(2026, 12, 31))]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_it_gives_the_masses_and_days_of_the_daily_values(park_world, seed):
    enterprises = _random_data(park_world, seed)
    points = totals.counted_points([e.pk for e in enterprises])
    assert MonthlyValue.objects.filter(mass_days__isnull=True).exists()
    for year, as_of in AS_OF:
        _same(masses(points, year, as_of), daily_masses(points, year, as_of))
        _same(masses(points, year, as_of, ["w01018"]), daily_masses(points, year, as_of, ["w01018"]))


@pytest.mark.parametrize("seed", [5, 6])
def test_it_gives_the_projections_and_park_totals_of_the_daily_values(park_world, seed, monkeypatch):
    enterprises = _random_data(park_world, seed)
    policy = LoadPolicy(park=park_world.park)
    for year, as_of in AS_OF:
        new = totals.enterprise_loads(enterprises, year, as_of, policy)
        new_park = totals.park_totals(new, park_world.park.pk, year)
        with monkeypatch.context() as m:
            m.setattr(totals, "masses", daily_masses)
            old = totals.enterprise_loads(enterprises, year, as_of, policy)
            old_park = totals.park_totals(old, park_world.park.pk, year)
        for n, o in zip(new, old, strict=True):
            assert [(p.code, p.data_days, p.direct_data_days, p.level) for p in n.pollutants] == [
                (p.code, p.data_days, p.direct_data_days, p.level) for p in o.pollutants]
            assert [p.projected_t for p in n.pollutants] == pytest.approx([p.projected_t for p in o.pollutants],
                                                                         rel=1e-12)
        assert [(p.code, p.data_days) for p in new_park] == [(p.code, p.data_days) for p in old_park]
        assert [p.projected_t for p in new_park] == pytest.approx([p.projected_t for p in old_park], rel=1e-12)
        assert any(p.projected_t > 0 for p in new_park) or as_of < dt.date(2026, 1, 1)
