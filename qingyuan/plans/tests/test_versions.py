"""Versions: each submission freezes the plan and records what changed; the review loop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qingyuan.core.models import AuditEntry, Notification
from qingyuan.core.workflow import TransitionError
from qingyuan.plans import actions
from qingyuan.plans.tests.helpers import fresh, reach


def _review_round(world, experts, plan, conclusion, text, today):
    plan = fresh(plan)
    actions.do_assign_reviewers(plan, list(experts), acting_user=world.regulator,
                                due_date=today + dt.timedelta(days=7), lead=experts[0])
    plan = fresh(plan)
    for expert in experts:
        review = plan.versions.get(number=plan.version).reviews.get(reviewer=expert)
        actions.do_submit_opinion(review, acting_user=expert, recommendation=conclusion, opinion=f"{expert.username}：{text}")
    actions.do_conclude_review(fresh(plan), acting_user=experts[0], conclusion=conclusion, text=text,
                               revision_due=today + dt.timedelta(days=20))
    return fresh(plan)


def test_it_goes_round_the_review_loop_reject_revise_approve(world, experts, plan, today,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_submit_plan(plan, acting_user=world.ent_a, note="首次提交")
        plan = _review_round(world, experts, plan, "reject", "VOCs治理措施不足，需补充LDAR。", today)
    assert plan.status == "revision" and plan.revision_due == today + dt.timedelta(days=20)
    v1 = plan.versions.get(number=1)
    assert v1.conclusion == "reject" and v1.concluded_by == experts[0]
    assert world.ent_a.notifications.filter(title__contains="专家评审").exists()
    assert experts[1].notifications.filter(kind="plans.review").exists()

    first, second = plan.measures.order_by("order")
    actions.do_update_measure(first, acting_user=world.ent_a, deadline=first.deadline + dt.timedelta(days=30),
                              investment=Decimal("150"))
    actions.do_remove_measure(second, acting_user=world.ent_a)
    actions.do_add_measure(plan, acting_user=world.ent_a, kind="ldar", title="开展泄漏检测与修复（LDAR）",
                           deadline=today + dt.timedelta(days=120), investment=Decimal("30"))
    version = actions.do_submit_plan(fresh(plan), acting_user=world.ent_a, note="按专家意见补充LDAR")

    assert version.number == 2 and version.note == "按专家意见补充LDAR" and version.author == world.ent_a
    changes = version.changes
    assert not changes["initial"] and changes["plan"] == {}
    assert [m["title"] for m in changes["added"]] == ["开展泄漏检测与修复（LDAR）"]
    assert [m["title"] for m in changes["removed"]] == ["车间VOCs收集治理"]
    (changed,) = changes["changed"]
    assert changed["title"] == "废水预处理设施提标改造"
    assert set(changed["fields"]) == {"deadline", "investment"}
    assert changed["fields"]["investment"] == ["120.50", "150.00"]
    # The first version's snapshot is frozen.
    assert [m["title"] for m in plan.versions.get(number=1).snapshot["measures"]] == [
        "废水预处理设施提标改造", "车间VOCs收集治理"]
    assert AuditEntry.objects.filter(action="plan.version").count() == 2

    plan = _review_round(world, experts, plan, "approve", "同意通过。", today)
    assert plan.status == "approved" and plan.version == 2 and plan.revision_due is None
    assert [v.conclusion for v in plan.versions.order_by("number")] == ["reject", "approve"]


def test_it_shows_the_version_history_with_its_diff(world, experts, plan, today, as_user):
    actions.do_submit_plan(plan, acting_user=world.ent_a)
    plan = _review_round(world, experts, plan, "approve_after_revision", "补充投资明细", today)
    measure = plan.measures.order_by("order").first()
    actions.do_update_measure(measure, acting_user=world.ent_a, title="废水预处理设施提标改造（含在线监测）")
    actions.do_submit_plan(fresh(plan), acting_user=world.ent_a, note="补充投资明细")
    page = as_user(world.ent_a).get(f"/plans/{plan.pk}/").content.decode()
    assert "版本 2" in page and "首个版本" in page and "补充投资明细" in page
    assert "废水预处理设施提标改造 → 废水预处理设施提标改造（含在线监测）" in page


def test_it_refuses_to_resubmit_an_unchanged_plan(world, experts, plan, today):
    actions.do_submit_plan(plan, acting_user=world.ent_a)
    plan = _review_round(world, experts, plan, "reject", "重写", today)
    with pytest.raises(TransitionError) as exc:
        actions.do_submit_plan(plan, acting_user=world.ent_a)
    assert exc.value.code == "unchanged"
    assert fresh(plan).version == 1 and fresh(plan).status == "revision"


def test_it_refuses_to_submit_a_plan_without_measures(world, park_plan, today):
    plan = actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=world.enterprise_b,
                                  title="乙化工方案", outcome="close", start_date=today,
                                  deadline=today + dt.timedelta(days=90))
    with pytest.raises(TransitionError) as exc:
        actions.do_submit_plan(plan, acting_user=world.regulator)
    assert exc.value.code == "measures"
    assert not plan.versions.exists()


def test_it_keeps_opinions_of_others_hidden_until_the_expert_gives_theirs(world, experts, plan, as_user):
    plan = reach("opinion", world, plan, experts)  # expert2 has given an opinion, expert not yet
    page = as_user(experts[0]).get(f"/plans/{plan.pk}/review/").content.decode()
    assert "方案可行。" not in page and "opinion-form" in page
    body = as_user(experts[0]).get(f"/api/v1/plans/{plan.pk}").json()
    assert {r["opinion"] for r in body["versions"][0]["reviews"]} == {""}
    page = as_user(world.regulator).get(f"/plans/{plan.pk}/review/").content.decode()
    assert "方案可行。" in page and "conclusion-form" in page


def test_it_notifies_the_office_when_a_plan_is_submitted(world, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_submit_plan(plan, acting_user=world.ent_a, note="请评审")
    note = Notification.objects.get(recipient=world.regulator)
    assert "提交评审" in note.title and note.url == f"/plans/{plan.pk}/review/"
    assert not Notification.objects.filter(recipient=world.ent_a).exists()
