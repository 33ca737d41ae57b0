"""The demo's closures are cases walked through the closures actions, at the story's dates and stages,
and the compensation demo finds them (issue 13 §4)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qingyuan.closures import capacity, proof
from qingyuan.closures.choices import StepKind as K
from qingyuan.closures.models import ClosureCase
from qingyuan.compensation.models import CompensationCase
from qingyuan.core import attachments
from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.demo import story
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.loads.models import LedgerEntry
from qingyuan.quality.models import DailyValue
from qingyuan.test import rolled_back_county

HUAFENG, JINYUAN, HONGXING = "青溪县华丰农药有限公司", "青溪县金源油脂化工厂", "青溪县红星塑料厂"


# A whole demo seed of its own: run on SQLite only (Makefile, test-postgres).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def county(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    def seed() -> dict[str, Any]:
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        return {"cal": story.calendar(), "log": out.getvalue()}

    with rolled_back_county(django_db_blocker, seed,
                            MEDIA_ROOT=str(tmp_path_factory.mktemp("closures-demo-media"))) as county:
        yield county


@pytest.fixture
def demo(county: dict[str, Any], db: Any) -> dict[str, Any]:
    return county


def _verified(case: ClosureCase) -> set[str]:
    return set(case.steps.filter(verified_at__isnull=False).values_list("kind", flat=True))


def test_it_walks_the_three_closures_to_their_stages(demo):
    cases = {c.enterprise.name: c for c in ClosureCase.objects.select_related("enterprise")}
    assert {n: (c.kind, c.status, c.enterprise.status) for n, c in cases.items() if n in story.CLOSURES} == {
        HUAFENG: ("closure", "completed", "closed"),
        JINYUAN: ("closure", "stopped", "suspended"),
        HONGXING: ("closure", "stopped", "suspended")}
    assert _verified(cases[HUAFENG]) == set(cases[HUAFENG].step_kinds)
    assert _verified(cases[JINYUAN]) == {K.PRODUCTION_STOPPED, K.UTILITIES_CUT, K.EQUIPMENT_DISMANTLED}
    assert cases[JINYUAN].steps.filter(kind=K.WASTE_DISPOSED, verified_at__isnull=True).exists()
    assert _verified(cases[HONGXING]) == {K.PRODUCTION_STOPPED}
    for name in ("青溪县鑫达助剂有限公司", "青溪县东方涂料有限公司"):
        assert cases[name].status == "completed" and _verified(cases[name]) == set(cases[name].step_kinds)
        assert cases[name].enterprise.status == {"relocation": "relocated", "conversion": "transformed"}[cases[name].kind]


def test_it_dates_every_step_at_the_story_and_proves_the_stop_by_silent_data(demo):
    cal = demo["cal"]
    for name in story.CLOSURES:
        case = ClosureCase.objects.get(enterprise__name=name)
        stop = case.steps.get(kind=K.PRODUCTION_STOPPED)
        assert stop.done_on == cal.closure(name)
        assert stop.patrol.enterprise_id == case.enterprise_id
        assert attachments.for_owner(stop.patrol).filter(mime__startswith="image/").exists()
        assert timezone.localtime(stop.verified_at).date() == stop.done_on
        suspend = TransitionRecord.objects.get(workflow="enterprise", object_id=str(case.enterprise_id),
                                               transition="suspend")
        assert timezone.localdate(suspend.time) == stop.done_on
        assert case.opened_at.date() < stop.done_on
        # nothing after the stop; the page's proof says silent or zero flow for every point
        points = MonitoringPoint.objects.filter(outlet__enterprise=case.enterprise)
        assert DailyValue.objects.filter(point__in=points, day__lt=stop.done_on).exists()
        assert not DailyValue.objects.filter(point__in=points, day__gte=stop.done_on).exists()
        assert all(not p.flowing_since_stop for p in proof.stop_proof(case.enterprise, stop.done_on))
        for step in case.steps.exclude(verified_at=None):
            assert timezone.localtime(step.verified_at).date() == step.done_on, (name, step.kind)
    huafeng = Enterprise.objects.get(name=HUAFENG)
    points = MonitoringPoint.objects.filter(outlet__enterprise=huafeng)
    assert points.exists() and not points.filter(is_active=True).exists()
    assert AuditEntry.objects.filter(action="point.decommission", object_id__in=[
        str(p) for p in points.values_list("pk", flat=True)]).count() == points.count()
    final = ClosureCase.objects.get(enterprise=huafeng).steps.get(kind=K.FINAL_CHECK)
    assert huafeng.status_since == final.done_on
    assert timezone.localdate(TransitionRecord.objects.get(
        workflow="enterprise", object_id=str(huafeng.pk), transition="close").time) == final.done_on


def test_it_frees_huafengs_actual_load_and_seeds_both_compensation_cases(demo):
    huafeng = Enterprise.objects.get(name=HUAFENG)
    stop = ClosureCase.objects.get(enterprise=huafeng).steps.get(kind=K.PRODUCTION_STOPPED).done_on
    entries = LedgerEntry.objects.filter(enterprise=huafeng, kind="closure")
    assert entries.exists()
    _, rows = capacity.compute(ClosureCase.objects.get(enterprise=huafeng), stop)
    freed = [r for r in rows if r.gross > 0]
    assert freed  # each gross is the history's mass of that pollutant before the stop, as the load pages sum it
    for r in freed:
        mass = sum(DailyValue.objects.filter(point__outlet__enterprise=huafeng, parameter=r.code, day__lt=stop)
                   .exclude(mass_kg=None).values_list("mass_kg", flat=True))
        assert abs(float(r.gross) - mass / 1000) < 0.001, r.code
        assert -entries.get(pollutant_code=r.code).delta_t == r.freed
    comp = {c.closure.enterprise.name: c for c in CompensationCase.objects.select_related("closure__enterprise")}
    assert set(comp) == {HUAFENG, JINYUAN}
    assert not LedgerEntry.objects.filter(enterprise__name__in=[JINYUAN, HONGXING], kind="closure").exists()
