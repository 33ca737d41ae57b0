"""Changes to park implementation plans: the plan, its targets, load reductions and milestones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingyuan.core import audit, workflow
from qingyuan.core.notify import notify
from qingyuan.org.actor import actor_for
from qingyuan.plans.actions.common import office_users, others
from qingyuan.plans.models import LoadTarget, Milestone, ParkPlan, PlanTarget
from qingyuan.plans.workflow import PARK_PLAN

_EDITABLE = ("title", "compiled_by", "approved_by", "start_date", "deadline", "summary")


@transaction.atomic
def do_create_park_plan(*, acting_user: Any, **fields: Any) -> ParkPlan:
    park_plan = ParkPlan(**fields)
    park_plan.full_clean()
    park_plan.save()
    audit.record("park_plan.create", park_plan, acting_user=acting_user, after=audit.snapshot(park_plan))
    return park_plan


@transaction.atomic
def do_update_park_plan(park_plan: ParkPlan, *, acting_user: Any, **fields: Any) -> ParkPlan:
    audit.update(park_plan, fields, editable=_EDITABLE, action="park_plan.update", acting_user=acting_user)
    return park_plan


def do_approve_park_plan(park_plan: ParkPlan, *, acting_user: Any, approved_by: str,
                         approved_on: dt.date | None) -> ParkPlan:
    roles = actor_for(acting_user).roles_in_park(park_plan.park_id)
    with transaction.atomic():
        workflow.fire(PARK_PLAN, park_plan, "approve", roles=roles, acting_user=acting_user,
                      reason=approved_by, effective_date=approved_on,
                      extra_updates={"approved_on": approved_on, "approved_by": approved_by})
        notify(others(office_users(park_plan.park_id), acting_user), kind="plans.park_plan",
               title=_("Implementation plan “%(title)s” approved") % {"title": park_plan.title},
               url=f"/plans/park/{park_plan.pk}/")
    return park_plan


@transaction.atomic
def do_add_target(park_plan: ParkPlan, *, acting_user: Any, enterprise: Any, outcome: str,
                  note: str = "") -> PlanTarget:
    target = PlanTarget(park_plan=park_plan, enterprise=enterprise, outcome=outcome, note=note)
    target.full_clean()
    target.save()
    audit.record("park_plan.add_target", park_plan, acting_user=acting_user, related=enterprise,
                 after={"enterprise_id": enterprise.pk, "outcome": outcome, "note": note})
    return target


@transaction.atomic
def do_remove_target(target: PlanTarget, *, acting_user: Any) -> None:
    audit.record("park_plan.remove_target", target.park_plan, acting_user=acting_user, related=target.enterprise,
                 before={"enterprise_id": target.enterprise_id, "outcome": target.outcome})
    target.delete()


@transaction.atomic
def do_add_load_target(park_plan: ParkPlan, *, acting_user: Any, **fields: Any) -> LoadTarget:
    load = LoadTarget(park_plan=park_plan, **fields)
    load.full_clean()
    load.save()
    audit.record("park_plan.add_load_target", park_plan, acting_user=acting_user, after=audit.snapshot(load))
    return load


@transaction.atomic
def do_remove_load_target(load: LoadTarget, *, acting_user: Any) -> None:
    audit.record("park_plan.remove_load_target", load.park_plan, acting_user=acting_user,
                 before=audit.snapshot(load))
    load.delete()


@transaction.atomic
def do_add_milestone(park_plan: ParkPlan, *, acting_user: Any, **fields: Any) -> Milestone:
    milestone = Milestone(park_plan=park_plan, **fields)
    milestone.full_clean()
    milestone.save()
    audit.record("park_plan.add_milestone", park_plan, acting_user=acting_user, after=audit.snapshot(milestone))
    return milestone


@transaction.atomic
def do_remove_milestone(milestone: Milestone, *, acting_user: Any) -> None:
    audit.record("park_plan.remove_milestone", milestone.park_plan, acting_user=acting_user,
                 before=audit.snapshot(milestone))
    milestone.delete()
