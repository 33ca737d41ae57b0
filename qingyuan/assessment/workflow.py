"""The assessment workflow, declared once on the shared workflow module.

    drafted ─publish─▶ published ─open_self_assessment─▶ self-assessment ─start_scoring─▶ office scoring
      ─submit_for_review─▶ leading-group review ─publish_results─▶ results published ─open_objections─▶
      objection window ─finalise─▶ final ─reopen (leading group, reason)─▶ leading-group review

Roles are derived per user and scheme in ``qingyuan.assessment.access.scheme_roles``: ``office`` (office staff
and admins of the park), ``leader`` (the leading group) and ``unit`` (officers of an assessed unit).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingyuan.assessment.choices import SchemeStatus as S
from qingyuan.core.workflow import Workflow, transition

OFFICE = "office"
LEADER = "leader"
UNIT = "unit"

SCHEMES = Workflow(
    name="assessment",
    states=S,
    transitions=[
        transition("publish", {S.DRAFTED}, S.PUBLISHED, roles={OFFICE}, label=_("Publish the scheme"),
                   style="success"),
        transition("open_self_assessment", {S.PUBLISHED}, S.SELF_ASSESSMENT, roles={OFFICE},
                   label=_("Open self-assessment")),
        transition("start_scoring", {S.SELF_ASSESSMENT}, S.SCORING, roles={OFFICE}, label=_("Start office scoring")),
        transition("submit_for_review", {S.SCORING}, S.REVIEW, roles={OFFICE},
                   label=_("Submit to the leading group")),
        transition("return_to_scoring", {S.REVIEW}, S.SCORING, roles={LEADER}, reason=True,
                   label=_("Return to the office"), style="secondary"),
        transition("publish_results", {S.REVIEW}, S.RESULTS_PUBLISHED, roles={LEADER},
                   label=_("Publish the results"), style="success"),
        transition("open_objections", {S.RESULTS_PUBLISHED}, S.OBJECTION, roles={OFFICE, LEADER},
                   label=_("Open the objection window")),
        transition("finalise", {S.OBJECTION}, S.FINAL, roles={LEADER}, label=_("Make the results final"),
                   style="success"),
        transition("reopen", {S.FINAL}, S.REVIEW, roles={LEADER}, reason=True,
                   label=_("Reopen the final results"), style="danger"),
    ],
)


def window_closes(scheme: Any) -> Any:
    """When the objection window closes: ``objection_days`` after the results were published."""
    if scheme.results_published_at is None:
        return None
    return scheme.results_published_at + timezone.timedelta(days=scheme.objection_days)


def finalise_refusal(scheme: Any) -> str | None:
    closes = window_closes(scheme)
    if closes is not None and timezone.now() < closes:
        return gettext("The objection window is still open until %(time)s.") % {
            "time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")}
    if scheme.appeals.filter(status="open").exists():
        return gettext("Answer every appeal before the results become final.")
    return None


def publish_refusal(scheme: Any) -> str | None:
    from qingyuan.assessment.scoring import design_problems

    problems = design_problems(scheme)
    return " ".join(problems) if problems else None


SCHEMES.guards["finalise"] = finalise_refusal
SCHEMES.guards["publish"] = publish_refusal
