"""The enterprise lifecycle, declared once on the shared workflow module."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qingyuan.core.workflow import Workflow, transition
from qingyuan.enterprises.choices import EnterpriseStatus as S
from qingyuan.org.choices import Role

MANAGERS = {Role.LEADER, Role.OFFICE_STAFF, Role.ADMIN}
LINKED = "linked_unit"  # an officer of the enterprise's linked unit
# A closure case (qingyuan.closures) moving the enterprise as its steps are verified: the production
# stop suspends it, the final check closes, relocates or transforms it.
CLOSURE_CASE = "closure_case"
# Reached through a closure case, not by hand on the enterprise page (issue 13).
CLOSURE_TRANSITIONS = frozenset({"close", "relocate", "transform"})

ACTIVE = {S.OPERATING, S.RECTIFYING, S.RECTIFIED, S.SUSPENDED}

LIFECYCLE = Workflow(
    name="enterprise",
    states=S,
    transitions=[
        transition("start_rectification", {S.OPERATING, S.RECTIFIED}, S.RECTIFYING,
                   roles=MANAGERS | {LINKED}, label=_("Start rectification"), reason=True, date=True),
        transition("finish_rectification", {S.RECTIFYING}, S.RECTIFIED,
                   roles=MANAGERS, label=_("Mark rectified"), reason=True, date=True, style="success"),
        transition("suspend", {S.OPERATING, S.RECTIFYING, S.RECTIFIED}, S.SUSPENDED,
                   roles=MANAGERS | {LINKED, CLOSURE_CASE}, label=_("Suspend production"), reason=True, date=True, style="warning"),
        transition("resume", {S.SUSPENDED, S.RECTIFIED}, S.OPERATING,
                   roles=MANAGERS, label=_("Resume production"), reason=True, date=True),
        transition("close", ACTIVE, S.CLOSED,
                   roles=MANAGERS | {CLOSURE_CASE}, label=_("Close down"), reason=True, date=True, style="danger"),
        transition("relocate", ACTIVE, S.RELOCATED,
                   roles=MANAGERS | {CLOSURE_CASE}, label=_("Relocate"), reason=True, date=True, style="danger"),
        transition("transform", ACTIVE, S.TRANSFORMED,
                   roles=MANAGERS | {CLOSURE_CASE}, label=_("Transform (change of business)"), reason=True, date=True, style="danger"),
    ],
)
