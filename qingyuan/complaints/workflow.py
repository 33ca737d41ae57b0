"""The complaint workflow, declared once on the shared workflow module.

    received ──accept──▶ accepted ──start──▶ in handling ──reply──▶ replied ──rate/close──▶ closed
        │                   │  ▲                 │
        ├─not_accept──▶ not accepted            ├─request/approve_extension (self)
        │                   └─return──▶ returned ──reroute──▶ accepted
        └─merge──▶ merged (follows the case it joined; its complainant may still rate)

Roles are derived per user and complaint in ``qingyuan.complaints.access.complaint_roles``:
``office`` (office staff, leaders and admins of the park), ``handler`` (unit officers of
the handling unit), ``complainant`` (whoever holds the tracking code) and ``system``
(automatic acceptance, closing after the feedback window, mirroring an extension the office
decided on the assignment's page).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qingyuan.complaints.choices import Status as S
from qingyuan.core.workflow import Workflow, transition

OFFICE = "office"
HANDLER = "handler"
COMPLAINANT = "complainant"
SYSTEM = "system"

COMPLAINTS = Workflow(
    name="complaint",
    states=S,
    transitions=[
        transition("accept", {S.RECEIVED}, S.ACCEPTED, roles={OFFICE, SYSTEM},
                   label=_("Accept and route"), style="success"),
        transition("not_accept", {S.RECEIVED}, S.NOT_ACCEPTED, roles={OFFICE},
                   label=_("Do not accept"), reason=True, style="danger"),
        transition("merge", {S.RECEIVED, S.ACCEPTED, S.IN_HANDLING, S.RETURNED}, S.MERGED, roles={OFFICE},
                   label=_("Merge into another complaint"), style="secondary"),
        transition("start", {S.ACCEPTED}, S.IN_HANDLING, roles={HANDLER},
                   label=_("Start handling"), style="primary"),
        transition("return", {S.ACCEPTED, S.IN_HANDLING}, S.RETURNED, roles={HANDLER},
                   label=_("Return (not ours)"), reason=True, style="secondary"),
        transition("reroute", {S.RETURNED, S.ACCEPTED, S.IN_HANDLING}, S.ACCEPTED, roles={OFFICE},
                   label=_("Route to another unit"), reason=True, style="primary"),
        transition("request_extension", {S.IN_HANDLING}, S.IN_HANDLING, roles={HANDLER},
                   label=_("Request an extension"), reason=True, style="warning"),
        transition("approve_extension", {S.IN_HANDLING}, S.IN_HANDLING, roles={OFFICE, SYSTEM},
                   label=_("Approve the extension"), style="success"),
        transition("refuse_extension", {S.IN_HANDLING}, S.IN_HANDLING, roles={OFFICE, SYSTEM},
                   label=_("Refuse the extension"), reason=True, style="danger"),
        transition("reply", {S.ACCEPTED, S.IN_HANDLING}, S.REPLIED, roles={HANDLER},
                   label=_("Reply"), style="success"),
        transition("rate", {S.REPLIED}, S.CLOSED, roles={COMPLAINANT, OFFICE},
                   label=_("Rate the reply"), style="primary"),
        transition("rate_merged", {S.MERGED}, S.MERGED, roles={COMPLAINANT, OFFICE},
                   label=_("Rate the reply"), style="primary"),
        transition("close", {S.REPLIED}, S.CLOSED, roles={SYSTEM, OFFICE},
                   label=_("Close without a rating"), style="secondary"),
    ],
)

# Shown as buttons on the detail page; the others have their own forms there.
BUTTONS = frozenset({"start", "close", "approve_extension"})


def reroute_refusal(c: object) -> str | None:
    """Only a complaint the unit returned (the complaint, or its assignment from the assignment's page) can be
    routed elsewhere."""
    from django.utils.translation import gettext

    from qingyuan.tasks.choices import AssignmentStatus

    if getattr(c, "status", None) == S.RETURNED:
        return None
    assignment = getattr(c, "assignment", None)
    if assignment is not None and assignment.status == AssignmentStatus.RETURNED:
        return None
    return gettext("Only a complaint the unit returned can be routed elsewhere.")


COMPLAINTS.guards["reroute"] = reroute_refusal
