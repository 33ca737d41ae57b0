"""The finding workflow, declared once on the shared workflow module.

A finding is open until someone turns it into an assignment (through
``qingyuan.tasks``) or closes it with a reason (put right on the spot, not a
breach after all). ``patrol_inspector`` is a role derived per finding in
``access.finding_roles``: an inspector who did the patrol.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qingyuan.core.workflow import Workflow, transition
from qingyuan.inspections.choices import FindingStatus as F
from qingyuan.org.choices import Role

PATROL_INSPECTOR = "patrol_inspector"
DECIDERS = {PATROL_INSPECTOR, Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN}

FINDINGS = Workflow(
    name="patrol_finding",
    states=F,
    transitions=[
        transition("assign", {F.OPEN}, F.ASSIGNED, roles=DECIDERS, label=_("Make an assignment"), style="primary"),
        transition("close", {F.OPEN}, F.CLOSED, roles=DECIDERS, label=_("Close without an assignment"),
                   reason=True, style="secondary"),
        transition("reopen", {F.CLOSED}, F.OPEN, roles={Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN},
                   label=_("Reopen"), reason=True, style="warning"),
    ],
)
