"""Appeals and the objection-window clock; finalised snapshots stay put; a final assessment refuses edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from qingyuan.assessment import actions
from qingyuan.assessment.actions import AssessmentError
from qingyuan.assessment.models import Result, Scheme, Score, Snapshot
from qingyuan.assessment.tests.county import NOW, build, score_manual_and_adjust, to_self_assessment
from qingyuan.core.models import AuditEntry
from qingyuan.tasks.models import Assignment


def fire(county: Any, name: str, user: Any, role: str, reason: str = "") -> None:
    actions.do_fire(county.scheme, name, roles={role}, acting_user=user, reason=reason)
    county.scheme.refresh_from_db()


@pytest.fixture
def published(world: Any) -> Any:
    """Results published on 2026-12-20 10:00 (Asia/Shanghai); the window is 7 days."""
    with time_machine.travel(NOW, tick=False):
        c = build(world)
        to_self_assessment(c, world)
        score_manual_and_adjust(c, world)
        fire(c, "start_scoring", world.regulator, "office")
        actions.do_compute_scores(c.scheme, acting_user=world.regulator)
        fire(c, "submit_for_review", world.regulator, "office")
        fire(c, "publish_results", world.leader, "leader")
        fire(c, "open_objections", world.regulator, "office")
    return c


def test_it_takes_an_appeal_in_the_window_and_changes_the_score_audited(published: Any, world: Any) -> None:
    c = published
    score = Score.objects.get(scheme=c.scheme, unit=c.bureau, indicator=c.ind["on_time"], quarter=0)
    with time_machine.travel(NOW + dt.timedelta(days=6, hours=23), tick=False):
        appeal = actions.do_file_appeal(c.scheme, c.bureau, score=score, text="第四件交办已申请延期获批",
                                        acting_user=world.officer)
        actions.do_answer_appeal(appeal, upheld=True, answer="核实延期属实，恢复该项得分", new_points=Decimal(30),
                                 acting_user=world.regulator)
    score.refresh_from_db()
    assert score.points == Decimal("30.00")
    result = Result.objects.get(scheme=c.scheme, unit=c.bureau, quarter=0)
    assert result.total == Decimal("73.55") and result.grade == "pass"
    entry = AuditEntry.objects.get(action="assessment.score_on_appeal", object_id=str(score.pk))
    assert (entry.before, entry.after) == ({"points": "22.50"}, {"points": "30.00"})
    assert AuditEntry.objects.filter(action="assessment.appeal", object_id=str(appeal.pk)).exists()


def test_it_refuses_an_appeal_after_the_window(published: Any, world: Any) -> None:
    with time_machine.travel(NOW + dt.timedelta(days=7, minutes=1), tick=False):
        with pytest.raises(AssessmentError) as refused:
            actions.do_file_appeal(published.scheme, published.bureau, text="迟到的申诉", acting_user=world.officer)
    assert refused.value.code == "window"
    assert not published.scheme.appeals.exists()


def test_it_finalises_only_after_the_window_and_the_snapshot_does_not_move(published: Any, world: Any) -> None:
    c = published
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        with pytest.raises(AssessmentError):
            fire(c, "finalise", world.leader, "leader")
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        fire(c, "finalise", world.leader, "leader")
    assert c.scheme.status == "final"
    snap = Snapshot.objects.get(scheme=c.scheme)
    frozen = dict(snap.data)
    bureau = next(r for r in frozen["results"] if r["unit_id"] == c.bureau.pk)
    assert bureau["total"] == "66.05"

    # The data changes afterwards: the late assignment is re-dated, a new overdue one appears.
    Assignment.objects.filter(pk=c.assignments["bureau"][3].pk).update(deadline=dt.date(2026, 12, 1))
    with time_machine.travel(NOW + dt.timedelta(days=9), tick=False):
        with pytest.raises(AssessmentError) as refused:
            actions.do_compute_scores(c.scheme, acting_user=world.regulator)
    assert refused.value.code == "final"
    snap.refresh_from_db()
    assert snap.data == frozen
    assert Result.objects.get(scheme=c.scheme, unit=c.bureau, quarter=0).total == Decimal("66.05")


def test_it_refuses_edits_to_a_final_assessment_and_only_the_leading_group_reopens(
        published: Any, world: Any) -> None:
    c = published
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        fire(c, "finalise", world.leader, "leader")
        with pytest.raises(AssessmentError) as refused:
            actions.do_record_adjustment(c.scheme, c.bureau, c.ind["deduction"], points=Decimal(1), reason="补扣",
                                         occurred_on=dt.date(2026, 12, 1), acting_user=world.regulator)
        assert refused.value.code == "final"
        from qingyuan.core.workflow import TransitionError

        with pytest.raises(TransitionError):
            fire(c, "reopen", world.regulator, "office", reason="发现漏算")
        with pytest.raises(TransitionError):
            fire(c, "reopen", world.leader, "leader")  # a reason is required
        fire(c, "reopen", world.leader, "leader", reason="发现漏算督办事项")
    assert Scheme.objects.get(pk=c.scheme.pk).status == "review"
    entry = AuditEntry.objects.get(action="assessment.reopen", object_id=str(c.scheme.pk))
    assert entry.message == "发现漏算督办事项" and entry.user == world.leader
