"""Two declared state machines: the meeting, and its minutes.

Meeting:  planned ─send_notice (office)─▶ notified ─hold (office)─▶ held
          planned / notified ─cancel (office, reason)─▶ cancelled
Minutes:  draft ─submit (office)─▶ submitted ─approve (chair)─▶ approved ─issue (office)─▶ issued
          submitted ─return (chair, reason)─▶ draft
Approving opens one assignment per decision (``minutes.do_approve_minutes``); issuing numbers
the minutes 纪要〔year〕第N号 (``minutes.do_issue_minutes``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from qingyuan.core.workflow import Workflow, transition
from qingyuan.meetings.choices import MeetingStatus as M
from qingyuan.meetings.choices import MinutesStatus as S

OFFICE = "office"
CHAIR = "chair"


def _notice_refusal(meeting: Any) -> str | None:
    if not meeting.invitations.exists():
        return gettext("Invite units or people before sending the notice.")
    return None


def decision_problems(meeting: Any) -> list[str]:
    """Each decision that cannot become an assignment, named (议定事项2 “…”: no responsible unit)."""
    problems = []
    for d in meeting.decisions.all():
        if d.responsible_unit_id is None:
            problems.append(gettext("Decision %(n)s “%(text)s” has no responsible unit.")
                            % {"n": d.serial, "text": d.short})
        if d.deadline is None:
            problems.append(gettext("Decision %(n)s “%(text)s” has no deadline.") % {"n": d.serial, "text": d.short})
    return problems


def _minutes_refusal(meeting: Any) -> str | None:
    if meeting.status != M.HELD:
        return gettext("Minutes are submitted after the meeting has been held.")
    problems = decision_problems(meeting)
    return " ".join(problems) if problems else None


MEETINGS = Workflow(
    name="meeting",
    states=M,
    transitions=[
        transition("send_notice", {M.PLANNED}, M.NOTIFIED, roles={OFFICE}, label=_("Send the invitation notice")),
        transition("hold", {M.NOTIFIED}, M.HELD, roles={OFFICE}, label=_("Mark as held"), style="success"),
        transition("cancel", {M.PLANNED, M.NOTIFIED}, M.CANCELLED, roles={OFFICE}, reason=True,
                   label=pgettext_lazy("meeting", "Cancel the meeting"), style="outline-danger"),
    ],
    guards={"send_notice": _notice_refusal},
)

MINUTES = Workflow(
    name="minutes",
    states=S,
    state_field="minutes_status",
    transitions=[
        transition("submit", {S.DRAFT}, S.SUBMITTED, roles={OFFICE}, label=_("Submit the minutes to the chair")),
        transition("return", {S.SUBMITTED}, S.DRAFT, roles={CHAIR}, reason=True, label=_("Return to the office"),
                   style="secondary"),
        transition("approve", {S.SUBMITTED}, S.APPROVED, roles={CHAIR}, label=_("Approve the minutes"),
                   style="success"),
        transition("issue", {S.APPROVED}, S.ISSUED, roles={OFFICE}, label=_("Issue the minutes"), style="success"),
    ],
    guards={"submit": _minutes_refusal, "approve": _minutes_refusal},
)
