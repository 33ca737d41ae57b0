"""/api/v1/assessment: results scoped like the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from qingyuan.assessment import actions
from qingyuan.assessment.tests.county import NOW, build, score_manual_and_adjust, to_self_assessment


@pytest.fixture
def county(world: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        c = build(world)
        to_self_assessment(c, world)
        score_manual_and_adjust(c, world)
        actions.do_record_veto(c.scheme, c.river, condition="major_incident", reason="泄漏事故", occurred_on=dt.date(
            2026, 5, 1), records=[{"model": "complaints.complaint", "id": c.complaints["river"][0].pk}],
            acting_user=world.regulator)
        actions.do_compute_scores(c.scheme, acting_user=world.regulator)
        yield c


def test_it_returns_the_ranking_scoped_per_caller(county: Any, world: Any, as_user: Any) -> None:
    path = f"/api/v1/assessment/schemes/{county.scheme.pk}/results"
    rows = as_user(world.leader).get(path).json()
    assert [(r["unit_name"], r["total"], r["grade"], r["vetoed"]) for r in rows] == [
        ("临江镇", "103.00", "excellent", False), ("县环保局", "66.05", "pass", False), ("江口镇", "26.00", "fail", True)]
    assert "泄漏事故" in rows[2]["veto_reason"]
    assert [r["unit_name"] for r in as_user(world.officer).get(path).json()] == ["县环保局"]
    assert as_user(world.ent_a).get(path).status_code == 404
    assert as_user(world.ent_a).get("/api/v1/assessment/schemes").json() == []
    assert as_user(world.outsider).get(path).status_code == 404
