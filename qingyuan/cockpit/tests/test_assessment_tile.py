"""The cockpit's interim assessment ranking: this quarter's rank, total and grade per unit, a vetoed unit with its
reason, each row linking to the unit's scores; nothing but a note when the year has no scheme."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.assessment import actions
from qingyuan.assessment.choices import VetoCondition
from qingyuan.assessment.tests.county import NOW, build, score_manual_and_adjust, to_self_assessment

pytestmark = pytest.mark.django_db
REASON = "7月群众集体上访，造成较大社会影响"


@pytest.fixture
def vetoed(world: Any) -> Any:
    """The assessment tests' county (the demo's shape: 临江镇 scores highest and is vetoed), Q4 computed."""
    with time_machine.travel(NOW, tick=False):
        county = build(world)
        to_self_assessment(county, world)
        score_manual_and_adjust(county, world)
        actions.do_record_veto(county.scheme, county.township, condition=VetoCondition.MASS_PETITION, reason=REASON,
                               occurred_on=dt.date(2026, 7, 8), acting_user=world.regulator,
                               uploads=[SimpleUploadedFile("上访登记.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")])
        actions.do_fire(county.scheme, "start_scoring", roles={"office"}, acting_user=world.regulator)
        actions.do_compute_scores(county.scheme, quarter=4, acting_user=world.regulator)
        yield county


def _tile(html: str) -> str:
    found = re.search(r'id="tile-assessment".*?</table>', html, re.S)
    assert found, "no assessment tile"
    return found.group(0)


def test_it_shows_the_vetoed_unit_and_its_reason_on_the_cockpit(vetoed: Any, world: Any, as_user: Any) -> None:
    s = vetoed.scheme
    for user in (world.leader, world.regulator):
        response = as_user(user).get("/")
        assert response.status_code == 200
        tile = _tile(response.content.decode())
        assert "目标考核季度排名" in tile and "2026 第4季度" in tile, user
        rows = re.findall(r"<tr(?: class=\"table-danger\" data-vetoed=\"1\")?>.*?</tr>", tile.split("<tbody>")[1], re.S)
        assert len(rows) == 3
        last = rows[-1]  # a veto ranks last whatever the score
        assert 'data-vetoed="1"' in last and "临江镇" in last and "一票否决" in last and REASON in last
        assert f'href="/assessment/{s.pk}/units/{vetoed.township.pk}/?quarter=4"' in last
        assert "不合格" in last
        assert sum('data-vetoed="1"' in r for r in rows) == 1
        for unit in (vetoed.bureau, vetoed.river):
            assert f'href="/assessment/{s.pk}/units/{unit.pk}/?quarter=4"' in tile


def test_it_says_when_the_year_has_no_scheme(world: Any, as_user: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        page = as_user(world.leader).get("/").content.decode()
    assert 'id="tile-assessment"' in page and "本年度尚无考核方案。" in page


def test_it_reads_the_ranking_in_as_many_queries_for_ten_units_as_for_three(vetoed: Any, world: Any,
                                                                             as_user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qingyuan.assessment.models import AssessedUnit
    from qingyuan.org.choices import UnitKind
    from qingyuan.org.models import Unit

    client = as_user(world.leader)

    def queries() -> int:
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    queries()  # warm the caches
    few = queries()
    for n in range(7):
        unit = Unit.objects.create(park=world.park, kind=UnitKind.DEPARTMENT, name=f"县直部门{n}")
        AssessedUnit.objects.create(scheme=vetoed.scheme, unit=unit, category="department")
    with time_machine.travel(NOW, tick=False):
        actions.do_compute_scores(vetoed.scheme, quarter=4, acting_user=world.regulator)
    many = queries()
    with time_machine.travel(NOW, tick=False):
        assert _tile(client.get("/").content.decode()).count("<tr") == 11  # the header and ten units
    assert many == few, f"{few} queries with 3 units, {many} with 10"
