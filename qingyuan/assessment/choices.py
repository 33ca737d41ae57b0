"""Statuses, methods, grades and veto conditions of the target-responsibility assessment (目标责任考核)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SchemeStatus(models.TextChoices):
    DRAFTED = "drafted", pgettext_lazy("assessment", "Drafted")
    PUBLISHED = "published", pgettext_lazy("assessment", "Scheme published")
    SELF_ASSESSMENT = "self_assessment", pgettext_lazy("assessment", "Self-assessment")
    SCORING = "scoring", pgettext_lazy("assessment", "Office scoring")
    REVIEW = "review", pgettext_lazy("assessment", "Leading-group review")
    RESULTS_PUBLISHED = "results_published", pgettext_lazy("assessment", "Results published")
    OBJECTION = "objection", pgettext_lazy("assessment", "Objection window")
    FINAL = "final", pgettext_lazy("assessment", "Final")


# Scores may change in these states (by the office, or by answering an appeal in the objection window).
EDITABLE_STATUSES = frozenset({
    SchemeStatus.DRAFTED, SchemeStatus.PUBLISHED, SchemeStatus.SELF_ASSESSMENT, SchemeStatus.SCORING,
    SchemeStatus.REVIEW, SchemeStatus.RESULTS_PUBLISHED, SchemeStatus.OBJECTION,
})
# Indicators and weights may change only before the scheme is published.
DESIGN_STATUSES = frozenset({SchemeStatus.DRAFTED})


class UnitCategory(models.TextChoices):
    TOWNSHIP = "township", _("Township")
    DEPARTMENT = "department", _("Department")
    LINKED = "linked", _("Unit linked to enterprises")


class Method(models.TextChoices):
    COMPUTED = "computed", _("Computed from the platform's records")
    MANUAL = "manual", _("Manual, with evidence")
    DEDUCTION = "deduction", _("Deductions")
    BONUS = "bonus", _("Bonus points")


# Methods whose weights make up the 100 points; deductions and bonuses carry a cap instead.
WEIGHTED_METHODS = frozenset({Method.COMPUTED, Method.MANUAL})


class Grade(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("grade", "Excellent")
    GOOD = "good", pgettext_lazy("grade", "Good")
    PASS = "pass", pgettext_lazy("grade", "Pass")
    FAIL = "fail", pgettext_lazy("grade", "Fail")


class VetoCondition(models.TextChoices):
    MAJOR_INCIDENT = "major_incident", _("Major pollution incident")
    FALSIFICATION = "falsification", _("Proven falsification of monitoring data")
    PROVINCIAL_TASK = "provincial_task", _("Provincially supervised task missed")
    MASS_PETITION = "mass_petition", _("Mass petition incident")


class AppealStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("appeal", "Awaiting an answer")
    UPHELD = "upheld", pgettext_lazy("appeal", "Upheld")
    DISMISSED = "dismissed", pgettext_lazy("appeal", "Dismissed")


EVIDENCE = "assessment_evidence"  # attachment purpose: evidence uploaded for a score or a veto
