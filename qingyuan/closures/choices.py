"""Kinds, bases, steps and statuses of closure, relocation and conversion cases (关停/搬迁/转产)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    CLOSURE = "closure", _("Closure")            # 关停
    RELOCATION = "relocation", _("Relocation")   # 搬迁
    CONVERSION = "conversion", _("Conversion")   # 转产


class Basis(models.TextChoices):
    OBSOLETE_CAPACITY = "obsolete_capacity", _("Obsolete capacity (eliminated category)")  # 淘汰类产能
    FAILED_RECTIFICATION = "failed_rectification", _("Failed rectification")             # 整治不达标
    PLANNING_ADJUSTMENT = "planning_adjustment", _("Planning adjustment")                 # 规划调整
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")                                # decision taken, steps in progress
    STOPPED = "stopped", _("Production stopped")            # the stop is verified
    COMPLETED = "completed", _("Completed")                 # the final check is verified
    CANCELLED = "cancelled", _("Cancelled")                 # the decision was revoked


class StepKind(models.TextChoices):
    PRODUCTION_STOPPED = "production_stopped", _("Production stopped")
    UTILITIES_CUT = "utilities_cut", _("Power and water cut")
    EQUIPMENT_DISMANTLED = "equipment_dismantled", _("Equipment dismantled")
    WASTE_DISPOSED = "waste_disposed", _("Hazardous waste and residual chemicals disposed of")
    SOIL_INVESTIGATED = "soil_investigated", _("Site soil investigation")
    PERMITS_CANCELLED = "permits_cancelled", _("Permits cancelled")
    POINTS_DECOMMISSIONED = "points_decommissioned", _("Monitoring points decommissioned")
    NEW_SITE_RECORDED = "new_site_recorded", _("New site recorded")
    NEW_LINE_RECORDED = "new_line_recorded", _("New product line recorded")
    PRODUCTION_MOVED = "production_moved", _("Production started at the new site or line")
    FINAL_CHECK = "final_check", _("Final check")


class SoilConclusion(models.TextChoices):
    """The conclusion of a 土壤污染状况调查 report (HJ 25.1: below / above the risk screening values)."""

    BELOW_SCREENING = "below_screening", _("Below the risk screening values: no further assessment")
    ABOVE_SCREENING = "above_screening", _("Above the risk screening values: risk assessment required")


S = StepKind
# The steps of each kind of case, in the order they are normally done; the final check comes last.
STEPS: dict[str, tuple[str, ...]] = {
    CaseKind.CLOSURE: (S.PRODUCTION_STOPPED, S.UTILITIES_CUT, S.EQUIPMENT_DISMANTLED, S.WASTE_DISPOSED,
                       S.SOIL_INVESTIGATED, S.PERMITS_CANCELLED, S.POINTS_DECOMMISSIONED, S.FINAL_CHECK),
    CaseKind.RELOCATION: (S.NEW_SITE_RECORDED, S.PRODUCTION_STOPPED, S.UTILITIES_CUT, S.EQUIPMENT_DISMANTLED,
                          S.WASTE_DISPOSED, S.SOIL_INVESTIGATED, S.POINTS_DECOMMISSIONED, S.PRODUCTION_MOVED,
                          S.FINAL_CHECK),
    CaseKind.CONVERSION: (S.NEW_LINE_RECORDED, S.PRODUCTION_STOPPED, S.EQUIPMENT_DISMANTLED, S.WASTE_DISPOSED,
                          S.PRODUCTION_MOVED, S.FINAL_CHECK),
}
