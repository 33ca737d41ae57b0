"""Every plan, measure and acceptance transition for every role: allowed ones move the state and are
recorded; forbidden ones are refused with the reason and change nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.core.workflow import TransitionError
from qingyuan.plans import actions
from qingyuan.plans.choices import PlanStatus
from qingyuan.plans.tests.helpers import current_acceptance, fresh, reach, start_rectification
from qingyuan.plans.workflow import ACCEPTANCE, MEASURE, PLAN

PERSONAS = ["regulator", "leader", "officer", "township", "ent_a", "ent_b", "inspector", "supervisor",
            "expert", "expert2", "admin"]
OFFICE = {"regulator", "admin"}
DRAFTERS = OFFICE | {"ent_a"}


def _user(world, experts, admin, name):
    return {"expert": experts[0], "expert2": experts[1], "admin": admin}.get(name) or getattr(world, name)


def _first_measure(plan):
    return plan.measures.order_by("order").first()


# name: (stage to reach, who may, how to try, which object's state to watch)
CASES = {
    "submit": ("draft", DRAFTERS, lambda p, u, ex: actions.do_submit_plan(p, acting_user=u), "plan"),
    "return_for_completion": ("submitted", OFFICE,
                              lambda p, u, ex: actions.do_return_plan(p, acting_user=u, reason="材料不全"), "plan"),
    "start_review": ("submitted", OFFICE, lambda p, u, ex: actions.do_assign_reviewers(
        p, list(ex), acting_user=u, due_date=timezone.localdate(), lead=ex[0]), "plan"),
    "approve": ("opinion", OFFICE | {"expert"}, lambda p, u, ex: actions.do_conclude_review(
        p, acting_user=u, conclusion="approve", text="同意"), "plan"),
    "require_revision": ("opinion", OFFICE | {"expert"}, lambda p, u, ex: actions.do_conclude_review(
        p, acting_user=u, conclusion="approve_after_revision", text="补充监测方案", revision_due=None), "plan"),
    "reject": ("opinion", OFFICE | {"expert"}, lambda p, u, ex: actions.do_conclude_review(
        p, acting_user=u, conclusion="reject", text="措施不足"), "plan"),
    "request_acceptance": ("done", DRAFTERS, lambda p, u, ex: actions.do_request_acceptance(p, acting_user=u), "plan"),
    "schedule": ("acceptance", OFFICE, lambda p, u, ex: actions.do_schedule_acceptance(
        current_acceptance(p), acting_user=u, inspection_date=timezone.localdate(), organiser="省生态办",
        panel=[{"name": "张三", "organisation": "省生态办"}]), "acceptance"),
    "pass": ("findings", OFFICE, lambda p, u, ex: actions.do_decide_acceptance(
        current_acceptance(p), acting_user=u, verdict="pass", conclusion="同意通过验收"), "acceptance"),
    "fail": ("findings-fail", OFFICE, lambda p, u, ex: actions.do_decide_acceptance(
        current_acceptance(p), acting_user=u, verdict="fail", conclusion="不予通过"), "acceptance"),
    "start": ("approved", DRAFTERS, lambda p, u, ex: actions.do_transition_measure(
        _first_measure(p), "start", acting_user=u), "measure"),
    "finish": ("approved", DRAFTERS, lambda p, u, ex: actions.do_transition_measure(
        _first_measure(p), "finish", acting_user=u, effective_date=timezone.localdate()), "measure"),
    "cancel": ("approved", OFFICE, lambda p, u, ex: actions.do_transition_measure(
        _first_measure(p), "cancel", acting_user=u, reason="工艺调整"), "measure"),
    "reopen": ("done", OFFICE, lambda p, u, ex: actions.do_transition_measure(
        _first_measure(p), "reopen", acting_user=u, reason="复核不合格"), "measure"),
}
TARGETS = {"submit": "submitted", "return_for_completion": "revision", "start_review": "in_review",
           "approve": "approved", "require_revision": "revision", "reject": "revision",
           "request_acceptance": "acceptance", "schedule": "scheduled", "pass": "passed", "fail": "failed",
           "start": "in_progress", "finish": "done", "cancel": "cancelled", "reopen": "in_progress"}


def _watched(plan, kind):
    plan = fresh(plan)
    if kind == "plan":
        return plan.status
    if kind == "measure":
        return _first_measure(plan).status
    acceptance = current_acceptance(plan)
    return acceptance.status if acceptance else None


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_it_applies_the_role_rules(world, experts, admin, plan, persona, name):
    stage, allowed, attempt, kind = CASES[name]
    start_rectification(world)
    plan = reach(stage.split("-")[0], world, plan, experts, result="fail" if stage.endswith("fail") else "pass")
    user = _user(world, experts, admin, persona)
    before_state, records, entries = _watched(plan, kind), TransitionRecord.objects.count(), AuditEntry.objects.count()
    if persona in allowed:
        attempt(fresh(plan), user, experts)
        assert _watched(plan, kind) == TARGETS[name]
        record = TransitionRecord.objects.order_by("-id").filter(transition=name).first()
        assert record is not None and record.user == (user if user.is_authenticated else None)
        assert AuditEntry.objects.filter(user=user, action__endswith=f".{name}").exists()
    else:
        with pytest.raises(TransitionError) as exc:
            attempt(fresh(plan), user, experts)
        assert exc.value.code == "role"
        assert "无权" in exc.value.message
        assert _watched(plan, kind) == before_state
        assert TransitionRecord.objects.count() == records and AuditEntry.objects.count() == entries


@pytest.mark.parametrize("workflow", [PLAN, MEASURE, ACCEPTANCE], ids=lambda w: w.name)
def test_it_refuses_every_transition_from_a_wrong_state(workflow):
    for t in workflow.transitions:
        for state in set(workflow.states.values) - t.sources:
            with pytest.raises(TransitionError) as exc:
                workflow.check(state, t.name, t.roles, reason="理由", effective_date=timezone.localdate())
            assert exc.value.code == "state"
            assert "不能执行" in exc.value.message or "不可" in exc.value.message or "状态" in exc.value.message


def test_it_refuses_a_conclusion_before_any_opinion(world, experts, plan):
    plan = reach("in_review", world, plan, experts)
    with pytest.raises(TransitionError) as exc:
        actions.do_conclude_review(plan, acting_user=world.regulator, conclusion="approve", text="同意")
    assert exc.value.code == "opinions"
    assert fresh(plan).status == PlanStatus.IN_REVIEW


def test_it_refuses_acceptance_while_measures_are_open(world, experts, plan):
    plan = reach("approved", world, plan, experts)
    with pytest.raises(TransitionError) as exc:
        actions.do_request_acceptance(plan, acting_user=world.ent_a)
    assert exc.value.code == "measures" and "2" in exc.value.message
    assert fresh(plan).status == PlanStatus.APPROVED and not plan.acceptances.exists()


def test_it_refuses_measure_progress_before_the_plan_is_approved(world, plan):
    with pytest.raises(TransitionError) as exc:
        actions.do_transition_measure(_first_measure(plan), "start", acting_user=world.ent_a)
    assert exc.value.code == "state"
    assert _first_measure(plan).status == "not_started"


def test_it_refuses_a_pass_with_a_failed_item_and_a_fail_without_one(world, experts, plan):
    start_rectification(world)
    plan = reach("findings", world, plan, experts, result="fail")
    with pytest.raises(TransitionError) as exc:
        actions.do_decide_acceptance(current_acceptance(plan), acting_user=world.regulator, verdict="pass",
                                     conclusion="通过")
    assert exc.value.code == "findings"
    assert current_acceptance(plan).status == "scheduled"


def test_it_lets_only_the_assigned_expert_give_an_opinion_once(world, experts, plan):
    plan = reach("in_review", world, plan, experts)
    review = plan.versions.get(number=1).reviews.get(reviewer=experts[1])
    with pytest.raises(TransitionError):
        actions.do_submit_opinion(review, acting_user=experts[0], recommendation="approve", opinion="替别人写")
    actions.do_submit_opinion(review, acting_user=experts[1], recommendation="reject", opinion="措施不足")
    review.refresh_from_db()
    with pytest.raises(TransitionError) as exc:
        actions.do_submit_opinion(review, acting_user=experts[1], recommendation="approve", opinion="改主意")
    assert exc.value.code == "state"
    review.refresh_from_db()
    assert (review.recommendation, review.opinion) == ("reject", "措施不足")
