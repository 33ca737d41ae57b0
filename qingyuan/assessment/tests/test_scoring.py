"""The county fixture scored by hand (see county.py), vetoes, evidence lists and bad scheme designs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.assessment import actions
from qingyuan.assessment.actions import AssessmentError
from qingyuan.assessment.choices import Grade, Method, VetoCondition
from qingyuan.assessment.models import Result, Score
from qingyuan.assessment.tests.county import NOW, build, score_manual_and_adjust, to_self_assessment
from qingyuan.core.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "信访登记.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def county(world: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        c = build(world)
        to_self_assessment(c, world)
        score_manual_and_adjust(c, world)
        yield c


def points(county: Any, unit: Any) -> dict[str, Decimal]:
    by_id = {i.pk: k for k, i in county.ind.items()}
    return {by_id[s.indicator_id]: s.points for s in Score.objects.filter(scheme=county.scheme, unit=unit, quarter=0)}


def test_it_scores_the_county_by_hand(county: Any, world: Any) -> None:
    actions.do_compute_scores(county.scheme, acting_user=world.regulator)

    assert points(county, county.bureau) == {
        "on_time": Decimal("22.50"), "escalated": Decimal("2.00"), "clocks": Decimal("13.33"),
        "satisfied": Decimal("6.67"), "patrols": Decimal("14.55"), "meetings": Decimal("9.00"),
        "deduction": Decimal("-2.00"), "bonus": Decimal("0.00")}
    assert points(county, county.township) == {
        "on_time": Decimal("30.00"), "escalated": Decimal("10.00"), "clocks": Decimal("20.00"),
        "satisfied": Decimal("10.00"), "patrols": Decimal("20.00"), "meetings": Decimal("10.00"),
        "deduction": Decimal("0.00"), "bonus": Decimal("3.00")}
    assert points(county, county.river) == {
        "on_time": Decimal("0.00"), "escalated": Decimal("6.00"), "clocks": Decimal("0.00"),
        "satisfied": Decimal("0.00"), "patrols": Decimal("20.00"), "meetings": Decimal("0.00"),
        "deduction": Decimal("0.00"), "bonus": Decimal("0.00")}
    results = {r.unit_id: r for r in Result.objects.filter(scheme=county.scheme, quarter=0)}
    assert (results[county.township.pk].total, results[county.township.pk].grade) == (Decimal("103.00"), Grade.EXCELLENT)
    assert (results[county.bureau.pk].total, results[county.bureau.pk].grade) == (Decimal("66.05"), Grade.PASS)
    assert (results[county.river.pk].total, results[county.river.pk].grade) == (Decimal("26.00"), Grade.FAIL)
    assert [results[u.pk].rank for u in (county.township, county.bureau, county.river)] == [1, 2, 3]
    assert AuditEntry.objects.filter(action="assessment.compute", object_id=str(county.scheme.pk)).exists()


def test_it_fails_a_vetoed_unit_whatever_its_score(county: Any, world: Any) -> None:
    veto = actions.do_record_veto(county.scheme, county.township, condition=VetoCondition.MASS_PETITION,
                                  reason="7月群众集体上访", occurred_on=dt.date(2026, 7, 8), uploads=[pdf()],
                                  acting_user=world.regulator)
    actions.do_compute_scores(county.scheme, acting_user=world.regulator)

    r = Result.objects.get(scheme=county.scheme, unit=county.township, quarter=0)
    assert r.total == Decimal("103.00")
    assert (r.grade, r.vetoed, r.rank) == (Grade.FAIL, True, 3)
    assert "7月群众集体上访" in r.veto_reason and str(VetoCondition.MASS_PETITION.label) in r.veto_reason
    entry = AuditEntry.objects.get(action="assessment.veto", object_id=str(veto.pk))
    assert len(entry.after["files"]) == 1


def test_it_refuses_a_veto_without_evidence(county: Any, world: Any) -> None:
    with pytest.raises(AssessmentError) as refused:
        actions.do_record_veto(county.scheme, county.township, condition=VetoCondition.MAJOR_INCIDENT,
                               reason="泄漏事故", occurred_on=dt.date(2026, 7, 8), acting_user=world.regulator)
    assert refused.value.code == "evidence"
    assert not county.scheme.vetoes.exists()


def test_it_lists_exactly_the_records_counted(county: Any, world: Any) -> None:
    actions.do_compute_scores(county.scheme, acting_user=world.regulator)

    def evidence(unit: Any, key: str) -> dict[str, Any]:
        return Score.objects.get(scheme=county.scheme, unit=unit, indicator=county.ind[key], quarter=0).evidence

    a, c, p = county.assignments, county.complaints, county.patrols
    assert evidence(county.bureau, "on_time")["counted"] == [x.pk for x in a["bureau"]]
    assert evidence(county.bureau, "on_time")["met"] == [x.pk for x in a["bureau"][:3]]
    assert evidence(county.bureau, "escalated")["counted"] == [a["bureau"][3].pk]
    assert evidence(county.river, "escalated")["counted"] == [a["river"][0].pk]
    assert evidence(county.bureau, "clocks")["counted"] == [x.pk for x in c["bureau"]]
    assert evidence(county.river, "clocks") == {"model": "complaints.complaint", "counted": [x.pk for x in c["river"]],
                                                "met": []}
    assert evidence(county.river, "satisfied")["counted"] == [c["river"][0].pk]
    assert evidence(county.bureau, "patrols")["counted"] == [x.pk for x in p["bureau"]]
    assert evidence(county.township, "patrols")["counted"] == [x.pk for x in p["township"][:5]]
    assert evidence(county.township, "on_time")["model"] == "tasks.assignment"


def test_it_refuses_to_publish_weights_that_do_not_add_up_or_indicators_without_a_method(
        county: Any, world: Any) -> None:
    from qingyuan.assessment.models import Scheme

    user = world.regulator
    scheme = actions.do_create_scheme(world.park, 2027, "2027年度考核", acting_user=user)
    group = actions.do_add_group(scheme, "交办落实", acting_user=user)
    actions.do_add_indicator(group, name="交办按时办结率", weight=Decimal(60), method=Method.COMPUTED,
                             key="assignments_on_time", acting_user=user)
    actions.do_add_indicator(group, name="会议与宣传", weight=Decimal(30), method="", acting_user=user)
    with pytest.raises(AssessmentError) as refused:
        actions.do_fire(scheme, "publish", roles={"office"}, acting_user=user)
    assert "会议与宣传" in refused.value.message
    assert "权重合计为60，不是100" in refused.value.message and "交办按时办结率 60" in refused.value.message
    assert Scheme.objects.get(pk=scheme.pk).status == "drafted"


def test_it_refuses_a_veto_naming_a_record_that_does_not_exist(county: Any, world: Any) -> None:
    with pytest.raises(AssessmentError) as refused:
        actions.do_record_veto(county.scheme, county.township, condition=VetoCondition.MASS_PETITION, reason="上访",
                               occurred_on=dt.date(2026, 7, 8), records=[{"model": "complaints.complaint", "id": 99999}],
                               acting_user=world.regulator)
    assert refused.value.code == "evidence"
    assert not county.scheme.vetoes.exists()
