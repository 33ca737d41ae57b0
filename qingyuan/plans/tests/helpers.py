"""Drive a plan to a given state through the actions, as the people who would do it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qingyuan.enterprises.actions import do_transition_enterprise
from qingyuan.plans import actions
from qingyuan.plans.models import Acceptance, EnterprisePlan

ORDER = ["draft", "submitted", "in_review", "opinion", "approved", "done", "acceptance", "scheduled", "findings"]


def fresh(plan: EnterprisePlan) -> EnterprisePlan:
    return EnterprisePlan.objects.select_related("enterprise__park", "park_plan").get(pk=plan.pk)


def start_rectification(world) -> None:
    do_transition_enterprise(world.enterprise_a, "start_rectification", acting_user=world.regulator,
                             reason="列入一厂一策", effective_date=timezone.localdate() - dt.timedelta(days=100))


def reach(stage: str, world, plan: EnterprisePlan, experts, *, result: str = "pass",
          start: str = "draft", by=None) -> EnterprisePlan:
    """Move ``plan`` forward from ``start`` up to ``stage`` (both in ORDER); ``by`` drafts (default ent_a)."""
    today = timezone.localdate()
    by = by or world.ent_a
    lead, other = experts
    for step in ORDER[ORDER.index(start) + 1:ORDER.index(stage) + 1]:
        plan = fresh(plan)
        if step == "submitted":
            actions.do_submit_plan(plan, acting_user=by, note="首次提交")
        elif step == "in_review":
            actions.do_assign_reviewers(plan, [lead, other], acting_user=world.regulator,
                                        due_date=today + dt.timedelta(days=10), lead=lead)
        elif step == "opinion":
            review = plan.versions.get(number=plan.version).reviews.get(reviewer=other)
            actions.do_submit_opinion(review, acting_user=other, recommendation="approve", opinion="方案可行。")
        elif step == "approved":
            actions.do_conclude_review(plan, acting_user=world.regulator, conclusion="approve", text="同意通过。")
        elif step == "done":
            for m in plan.measures.filter(status__in=["not_started", "in_progress"]):
                actions.do_transition_measure(m, "finish", acting_user=by, effective_date=today)
        elif step == "acceptance":
            actions.do_request_acceptance(plan, acting_user=by, note="措施已全部完成")
        elif step == "scheduled":
            actions.do_schedule_acceptance(
                plan.acceptances.get(), acting_user=world.regulator, inspection_date=today,
                organiser="省生态办", panel=[{"name": "张专家", "organisation": "省生态办", "position": "处长",
                                              "is_lead": True}])
        elif step == "findings":
            acceptance = plan.acceptances.get()
            items = list(acceptance.items.order_by("order"))
            findings = {i.pk: ("pass", "") for i in items}
            if result == "fail":
                findings[items[0].pk] = ("fail", "出水COD仍超标")
            actions.do_record_findings(acceptance, findings, acting_user=world.regulator)
    return fresh(plan)


def current_acceptance(plan: EnterprisePlan) -> Acceptance:
    return Acceptance.objects.select_related("plan__enterprise__park", "plan__park_plan", "version").filter(
        plan=plan).order_by("-number").first()
