"""Statuses and kinds of the plans app: park plans, enterprise plans, measures, reviews, acceptance."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ParkPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Outcome(models.TextChoices):
    """What the park plan intends for an enterprise, and what its plan delivers."""

    RECTIFY = "rectify", _("Rectify")
    CLOSE = "close", _("Close down")
    RELOCATE = "relocate", _("Relocate")


# The enterprise status that means the outcome has been reached.
OUTCOME_STATUS = {Outcome.RECTIFY: "rectified", Outcome.CLOSE: "closed", Outcome.RELOCATE: "relocated"}
# The enterprise lifecycle transition fired when the acceptance of such a plan passes.
OUTCOME_TRANSITION = {Outcome.RECTIFY: "finish_rectification", Outcome.CLOSE: "close",
                      Outcome.RELOCATE: "relocate"}


class MilestoneRule(models.TextChoices):
    """How a milestone's completion is judged; always computed, never ticked by hand."""

    PLANS_APPROVED = "plans_approved", _("Every target enterprise has an approved plan")
    CLOSURES_DONE = "closures_done", _("Every closure target is closed")
    RECTIFICATIONS_DONE = "rectifications_done", _("Every rectification target is rectified")
    RELOCATIONS_DONE = "relocations_done", _("Every relocation target is relocated")
    ALL_ACCEPTED = "all_accepted", _("Every target enterprise's plan is accepted")
    LOADS_MET = "loads_met", _("Every load-reduction target is met")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    IN_REVIEW = "in_review", _("Under expert review")
    REVISION = "revision", _("Revision required")
    APPROVED = "approved", _("Approved, being implemented")
    ACCEPTANCE = "acceptance", _("Acceptance under way")
    ACCEPTED = "accepted", _("Accepted")


EDITABLE_STATES = (PlanStatus.DRAFT, PlanStatus.REVISION)


class MeasureKind(models.TextChoices):
    WASTEWATER = "wastewater", _("Wastewater pre-treatment upgrade")
    VOC = "voc", _("VOC capture and treatment")
    LDAR = "ldar", _("Leak detection and repair (LDAR)")
    MONITORING = "monitoring", _("Online monitoring installation")
    SOLID_WASTE = "solid_waste", _("Hazardous waste storage and disposal")
    RISK = "risk", _("Environmental risk prevention")
    CLOSURE = "closure", _("Closure and dismantling")
    RELOCATION = "relocation", _("Relocation")
    OTHER = "other", _("Other")


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVISE = "approve_after_revision", _("Approve after revision")
    REJECT = "reject", _("Reject")


# The plan transition that records each conclusion.
CONCLUSION_TRANSITION = {Recommendation.APPROVE: "approve", Recommendation.REVISE: "require_revision",
                         Recommendation.REJECT: "reject"}


class AcceptanceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Inspection scheduled")
    PASSED = "passed", _("Passed")
    FAILED = "failed", pgettext_lazy("acceptance", "Failed")


class Finding(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
