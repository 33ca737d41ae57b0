"""The stop-production declaration workflow: submitted by the enterprise, reviewed by the regulator.

Roles (``access.declaration_roles``): ``owner`` — the enterprise's users;
``reviewer`` — the park's managers (office staff, leaders, administrators) and the
officers of the enterprise's linked unit.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qingyuan.core.workflow import Workflow, transition
from qingyuan.quality.choices import DeclarationStatus as S

OWNER = "owner"
REVIEWER = "reviewer"

DECLARATIONS = Workflow(
    name="stop_declaration",
    states=S,
    transitions=[
        transition("approve", {S.SUBMITTED}, S.APPROVED, roles={REVIEWER}, label=_("Approve"), style="success"),
        transition("reject", {S.SUBMITTED}, S.REJECTED, roles={REVIEWER}, label=_("Reject"), reason=True,
                   style="danger"),
        transition("withdraw", {S.SUBMITTED}, S.WITHDRAWN, roles={OWNER}, label=_("Withdraw"), reason=True,
                   style="secondary"),
    ],
)
