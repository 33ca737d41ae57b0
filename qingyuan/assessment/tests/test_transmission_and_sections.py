"""The two indicators computed from the monitoring side: 有效传输率 of linked enterprises' devices (quality's
daily KPIs, hours added up then divided once) and section compliance of the townships along the river (the
section's manual samples against its target class). Values by hand to two decimals; evidence exactly the
records counted; one query per batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.assessment import actions
from qingyuan.assessment.choices import Method, UnitCategory
from qingyuan.assessment.indicators import KEYS, Period
from qingyuan.assessment.models import Indicator, Score
from qingyuan.assessment.scoring import computed_points
from qingyuan.assessment.tests.county import NOW
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.quality.models import KpiDaily
from qingyuan.sections.models import Sample, SampleValue, Section
from qingyuan.test import make_point

PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 12, 20))
d = dt.date


def compute(key: str, world: Any) -> dict[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        out = KEYS[key].compute([world.bureau.pk, world.township_unit.pk], PERIOD, KEYS[key].defaults)
    assert len(queries) <= 2, key
    return out


def points(key: str, measure: Any, weight: int = 5) -> tuple[Any, Any]:
    return computed_points(Indicator(key=key, weight=Decimal(weight), parameters={}), measure)


@pytest.fixture
def kpis(world: Any) -> dict[str, Any]:
    """point_a (bureau): 20+24+10 of 24+24+20 hours over 2 days = 54/68 = 79.41 %; point_a2 (bureau): 24/24 on
    one day; point_b (township): 23/24 = 95.83 %. Not counted: last year, after today, a day fully stopped."""
    a2 = make_point(world.enterprise_a, "AAAA0000000000000000002A", medium="gas")

    def kpi(point: Any, day: dt.date, parameter: str, expected: int, valid: int) -> KpiDaily:
        return KpiDaily.objects.create(point=point, day=day, parameter=parameter, expected=expected,
                                       excluded=24 - expected, received=valid, valid=valid, computed_at=NOW)

    kpi(world.point_a, d(2026, 3, 1), "w01018", 24, 20)
    kpi(world.point_a, d(2026, 3, 1), "w21003", 24, 24)
    kpi(world.point_a, d(2026, 3, 2), "w01018", 20, 10)  # 4 hours under a stop-production declaration
    kpi(world.point_a, d(2025, 12, 31), "w01018", 24, 0)  # last year
    kpi(world.point_a, d(2026, 12, 21), "w01018", 24, 0)  # after the day we look
    kpi(a2, d(2026, 6, 1), "a21026", 24, 24)
    kpi(a2, d(2026, 6, 2), "a21026", 0, 0)  # stopped all day: nothing expected
    kpi(world.point_b, d(2026, 5, 1), "w01018", 24, 23)
    return {"a2": a2}


def test_it_computes_the_valid_transmission_rate_from_the_hours(world: Any, kpis: dict[str, Any]) -> None:
    out = compute("valid_transmission", world)
    bureau, town = out[world.bureau.pk], out[world.township_unit.pk]
    assert bureau.counted == [world.point_a.pk, kpis["a2"].pk]
    assert bureau.met == [kpis["a2"].pk]  # 79.41 % is below 90 %
    assert bureau.detail == {world.point_a.pk: {"days": 2, "expected": 68, "valid": 54},
                             kpis["a2"].pk: {"days": 1, "expected": 24, "valid": 24}}
    assert bureau.percent() == Decimal("84.78")  # (54 + 24) / (68 + 24), not the mean of 79.41 and 100
    assert points("valid_transmission", bureau) == (Decimal("84.78"), Decimal("4.71"))  # 5 × 84.78 / 90
    assert town.counted == town.met == [world.point_b.pk]
    assert points("valid_transmission", town) == (Decimal("95.83"), Decimal("5"))  # above 90 %: full points


@pytest.fixture
def samples(world: Any) -> dict[str, list[Sample]]:
    """The township's in-park section (target Ⅲ): Ⅱ, Ⅳ (ammonia), Ⅲ → 2 of 3 met = 66.67 %."""
    town = world.township_unit

    def section(name: str, township: Any, *, active: bool = True) -> Section:
        return Section.objects.create(park=world.park, name=name, kind="in_park", river="青溪河", target_class="III",
                                      township=township, is_active=active)

    def sample(s: Section, day: dt.date, **values: float) -> Sample:
        made = Sample.objects.create(section=s, date=day)
        SampleValue.objects.bulk_create([SampleValue(sample=made, parameter=k, value=v, unit="mg/L", value_std=v)
                                         for k, v in values.items()])
        return made

    ours, other, closed = section("园区下游断面", town), section("入境断面", None), section("旧断面", town, active=False)
    counted = [sample(ours, d(2026, 2, 8), nh3n=0.5, codcr=15),   # Ⅱ: met
               sample(ours, d(2026, 3, 8), nh3n=1.38, codcr=15),  # Ⅳ: missed
               sample(ours, d(2026, 4, 8), nh3n=0.4, codcr=18)]   # Ⅲ: met (the target)
    not_counted = [sample(ours, d(2026, 5, 8), water_temp=18),     # no class
                   sample(ours, d(2025, 12, 8), nh3n=2.5),          # last year
                   sample(ours, d(2026, 12, 22), nh3n=0.4),         # after the day we look
                   sample(other, d(2026, 2, 8), nh3n=2.5),          # no township
                   sample(closed, d(2026, 2, 8), nh3n=2.5)]         # inactive section
    return {"counted": counted, "not_counted": not_counted}


def test_it_computes_section_compliance_of_the_townships_samples(world: Any, samples: dict[str, Any]) -> None:
    out = compute("section_compliance", world)
    town = out[world.township_unit.pk]
    first, missed, third = samples["counted"]
    assert town.counted == [first.pk, missed.pk, third.pk]
    assert town.met == [first.pk, third.pk]
    assert points("section_compliance", town) == (Decimal("66.67"), Decimal("3.33"))  # 5 × 66.67 / 100
    assert world.bureau.pk not in out  # no sections: nothing counted, the full weight
    assert points("section_compliance", out.get(world.bureau.pk)) == (None, Decimal(5))


def test_it_lists_the_points_days_and_hours_behind_the_score(world: Any, kpis: dict[str, Any],
                                                            samples: dict[str, Any], as_user: Any) -> None:
    user = world.regulator
    with time_machine.travel(NOW, tick=False):
        scheme = actions.do_create_scheme(world.park, 2026, "2026年度考核", acting_user=user)
        river = Unit.objects.create(park=world.park, kind=UnitKind.TOWNSHIP, name="江口镇")
        actions.do_set_assessed_units(scheme, [(world.bureau, UnitCategory.LINKED),
                                               (world.township_unit, UnitCategory.TOWNSHIP),
                                               (river, UnitCategory.TOWNSHIP)], acting_user=user)
        group = actions.do_add_group(scheme, "监测监控", acting_user=user, order=1)
        ind = {key: actions.do_add_indicator(group, name=name, weight=Decimal(50), method=Method.COMPUTED, key=key,
                                             acting_user=user, order=n)
               for n, (key, name) in enumerate([("valid_transmission", "有效传输率"),
                                                ("section_compliance", "断面达标率")], start=1)}
        for name in ("publish", "open_self_assessment", "start_scoring"):
            actions.do_fire(scheme, name, roles={"office"}, acting_user=user)
        actions.do_compute_scores(scheme, acting_user=user)
    score = {(s.unit_id, s.indicator_id): s for s in Score.objects.filter(scheme=scheme, quarter=0)}
    transmission = score[(world.bureau.pk, ind["valid_transmission"].pk)]
    assert (transmission.value, transmission.points) == (Decimal("84.78"), Decimal("47.10"))  # 50 × 84.78 / 90
    assert transmission.evidence["counted"] == [world.point_a.pk, kpis["a2"].pk]
    sections = score[(world.township_unit.pk, ind["section_compliance"].pk)]
    assert (sections.value, sections.points) == (Decimal("66.67"), Decimal("33.34"))  # 50 × 66.67 / 100
    assert sections.evidence["counted"] == [s.pk for s in samples["counted"]]
    assert score[(river.pk, ind["section_compliance"].pk)].points == Decimal(50)  # nothing to count
    page = as_user(world.regulator).get(f"/assessment/{scheme.pk}/scores/{transmission.pk}/evidence/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 天，应传 68 小时中有效 54 小时" in text and "1 天，应传 24 小时中有效 24 小时" in text
    assert text.count('<li class="text-success">') == 1 and text.count('<li class="text-danger">') == 1
