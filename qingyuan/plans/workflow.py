"""The plan, measure and acceptance workflows, declared once on the shared workflow module.

Roles are derived per user and plan in ``access.plan_roles``:
``owner`` (a user of the plan's enterprise), ``office_staff``, ``leader``, ``admin``,
``supervisor``, ``linked_unit`` (officer of the enterprise's linked unit), ``expert``
(a reviewer assigned to the current version) and ``review_lead`` (its lead reviewer).
Leaders, supervisors, linked units and plain experts read; they fire nothing here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qingyuan.core.workflow import Workflow, transition
from qingyuan.org.choices import Role
from qingyuan.plans.choices import AcceptanceStatus as A
from qingyuan.plans.choices import MeasureStatus as M
from qingyuan.plans.choices import ParkPlanStatus as K
from qingyuan.plans.choices import PlanStatus as P

OWNER = "owner"
LINKED = "linked_unit"
EXPERT = "expert"
REVIEW_LEAD = "review_lead"
OFFICE = frozenset({Role.OFFICE_STAFF, Role.ADMIN})
DRAFTERS = OFFICE | {OWNER}
CONCLUDERS = OFFICE | {REVIEW_LEAD}

PLAN = Workflow(
    name="plan",
    states=P,
    transitions=[
        transition("submit", {P.DRAFT, P.REVISION}, P.SUBMITTED, roles=DRAFTERS,
                   label=_("Submit for review")),
        transition("return_for_completion", {P.SUBMITTED}, P.REVISION, roles=OFFICE,
                   label=_("Return for completion"), reason=True, style="warning"),
        transition("start_review", {P.SUBMITTED}, P.IN_REVIEW, roles=OFFICE,
                   label=_("Start expert review")),
        transition("approve", {P.IN_REVIEW}, P.APPROVED, roles=CONCLUDERS,
                   label=_("Approve"), style="success"),
        transition("require_revision", {P.IN_REVIEW}, P.REVISION, roles=CONCLUDERS,
                   label=_("Approve after revision"), reason=True, style="warning"),
        transition("reject", {P.IN_REVIEW}, P.REVISION, roles=CONCLUDERS,
                   label=_("Reject"), reason=True, style="danger"),
        transition("request_acceptance", {P.APPROVED}, P.ACCEPTANCE, roles=DRAFTERS,
                   label=_("Request acceptance")),
        transition("pass_acceptance", {P.ACCEPTANCE}, P.ACCEPTED, roles=OFFICE,
                   label=_("Pass acceptance"), style="success"),
        transition("fail_acceptance", {P.ACCEPTANCE}, P.APPROVED, roles=OFFICE,
                   label=_("Fail acceptance"), reason=True, style="danger"),
    ],
)

MEASURE = Workflow(
    name="measure",
    states=M,
    transitions=[
        transition("start", {M.NOT_STARTED}, M.IN_PROGRESS, roles=DRAFTERS, label=_("Start")),
        transition("finish", {M.NOT_STARTED, M.IN_PROGRESS}, M.DONE, roles=DRAFTERS,
                   label=_("Mark done"), date=True, style="success"),
        transition("reopen", {M.DONE}, M.IN_PROGRESS, roles=OFFICE, label=_("Reopen"), reason=True,
                   style="warning"),
        transition("cancel", {M.NOT_STARTED, M.IN_PROGRESS}, M.CANCELLED, roles=OFFICE,
                   label=_("Cancel the measure"), reason=True, style="danger"),
    ],
)

ACCEPTANCE = Workflow(
    name="acceptance",
    states=A,
    transitions=[
        transition("schedule", {A.REQUESTED, A.SCHEDULED}, A.SCHEDULED, roles=OFFICE,
                   label=_("Schedule the inspection"), date=True),
        transition("pass", {A.SCHEDULED}, A.PASSED, roles=OFFICE, label=_("Pass"), reason=True,
                   style="success"),
        transition("fail", {A.SCHEDULED}, A.FAILED, roles=OFFICE, label=_("Fail"), reason=True,
                   style="danger"),
    ],
)

PARK_PLAN = Workflow(
    name="park_plan",
    states=K,
    transitions=[
        transition("approve", {K.DRAFT}, K.APPROVED, roles=OFFICE | {Role.LEADER},
                   label=_("Record approval"), date=True, style="success"),
    ],
)
