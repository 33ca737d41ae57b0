"""The briefing workflow: drafted by the office, approved by the leader, issued by the office.

    draft ─submit (office)─▶ submitted ─approve (leader)─▶ approved ─issue (office)─▶ issued
                             submitted ─return (leader, reason)─▶ draft
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from qingyuan.briefings.choices import Status as S
from qingyuan.core.workflow import Workflow, transition

OFFICE = "office"
LEADER = "leader"


def _issue_refusal(briefing: Any) -> str | None:
    if not briefing.recipients.exists():
        return gettext("Choose the recipient units before issuing.")
    return None


BRIEFINGS = Workflow(
    name="briefing",
    states=S,
    transitions=[
        transition("submit", {S.DRAFT}, S.SUBMITTED, roles={OFFICE}, label=_("Submit for approval")),
        transition("return", {S.SUBMITTED}, S.DRAFT, roles={LEADER}, reason=True, label=_("Return to the office"),
                   style="secondary"),
        transition("approve", {S.SUBMITTED}, S.APPROVED, roles={LEADER}, label=pgettext_lazy("briefing", "Approve"), style="success"),
        transition("issue", {S.APPROVED}, S.ISSUED, roles={OFFICE}, label=pgettext_lazy("briefing", "Issue"), style="success"),
    ],
    guards={"issue": _issue_refusal},
)
