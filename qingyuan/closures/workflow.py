"""The case's status, declared once: opened, production stopped, completed (or cancelled).

The status moves only as steps are verified (actions.py): the production stop's verification
fires ``stop``, the final check's fires ``complete``. ``cancel`` revokes the decision.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qingyuan.closures.access import INSPECTOR, MANAGER
from qingyuan.closures.choices import CaseStatus as S
from qingyuan.core.workflow import Workflow, transition

CASES = Workflow(
    name="closure_case",
    states=S,
    transitions=[
        transition("stop", {S.OPEN}, S.STOPPED, roles={MANAGER, INSPECTOR}, label=_("Production stop verified")),
        transition("complete", {S.STOPPED}, S.COMPLETED, roles={MANAGER}, label=_("Final check verified"),
                   style="success"),
        transition("cancel", {S.OPEN, S.STOPPED}, S.CANCELLED, roles={MANAGER}, label=_("Cancel the case"),
                   reason=True, style="danger"),
    ],
)
