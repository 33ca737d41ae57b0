"""The assignment workflow (交办单), declared once on the shared workflow module.

Roles are derived per user and assignment in ``qingyuan.tasks.access.assignment_roles``:
``issuer`` (office staff, leaders and admins of the park: the issuing side) and
``assignee`` (unit officers of the unit the assignment is addressed to). Progress
reports and extension requests are self-transitions (in progress → in progress), so
the same table decides who may do them and when, and they appear in the history.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from qingyuan.core.workflow import Workflow, transition
from qingyuan.tasks.choices import AssignmentStatus as S
from qingyuan.tasks.choices import CheckStatus as C

ISSUER = "issuer"
ASSIGNEE = "assignee"

ASSIGNMENTS = Workflow(
    name="assignment",
    states=S,
    transitions=[
        transition("sign", {S.ISSUED}, S.IN_PROGRESS, roles={ASSIGNEE}, label=pgettext_lazy("assignment", "Sign for it"), style="primary"),
        transition("report_progress", {S.IN_PROGRESS}, S.IN_PROGRESS, roles={ASSIGNEE},
                   label=pgettext_lazy("assignment", "Report progress")),
        transition("request_extension", {S.IN_PROGRESS}, S.IN_PROGRESS, roles={ASSIGNEE},
                   label=pgettext_lazy("assignment", "Request an extension"), reason=True, style="warning"),
        transition("approve_extension", {S.IN_PROGRESS}, S.IN_PROGRESS, roles={ISSUER},
                   label=pgettext_lazy("assignment", "Approve the extension"), style="success"),
        transition("refuse_extension", {S.IN_PROGRESS}, S.IN_PROGRESS, roles={ISSUER},
                   label=pgettext_lazy("assignment", "Refuse the extension"), reason=True, style="danger"),
        transition("return", {S.ISSUED, S.IN_PROGRESS}, S.RETURNED, roles={ASSIGNEE},
                   label=pgettext_lazy("assignment", "Return (not our remit)"), reason=True, style="secondary"),
        transition("reassign", {S.RETURNED}, S.ISSUED, roles={ISSUER},
                   label=pgettext_lazy("assignment", "Reassign to another unit"), reason=True, style="primary"),
        transition("submit", {S.IN_PROGRESS}, S.SUBMITTED, roles={ASSIGNEE},
                   label=pgettext_lazy("assignment", "Submit completion"), style="success"),
        transition("accept", {S.SUBMITTED}, S.COMPLETED, roles={ISSUER},
                   label=pgettext_lazy("assignment", "Accept as completed"), style="success"),
        transition("send_back", {S.SUBMITTED}, S.IN_PROGRESS, roles={ISSUER},
                   label=pgettext_lazy("assignment", "Send back"), reason=True, style="warning"),
        transition("withdraw", {S.ISSUED, S.IN_PROGRESS, S.RETURNED, S.SUBMITTED}, S.WITHDRAWN, roles={ISSUER},
                   label=pgettext_lazy("assignment", "Withdraw"), reason=True, style="danger"),
    ],
)

# Extension decisions only make sense while a request is pending; the detail page and the
# API hide them otherwise (the action refuses them with a reason).
EXTENSION_DECISIONS = frozenset({"approve_extension", "refuse_extension"})

# Supervision checks (督查): planned by the office, completed with an overall rating, or cancelled.
CHECKS = Workflow(
    name="supervision_check",
    states=C,
    transitions=[
        transition("complete", {C.PLANNED}, C.COMPLETED, roles={ISSUER}, label=pgettext_lazy("assignment", "Complete the check"),
                   style="success"),
        transition("cancel", {C.PLANNED}, C.CANCELLED, roles={ISSUER}, label=pgettext_lazy("assignment", "Cancel the check"), reason=True,
                   style="danger"),
    ],
)
