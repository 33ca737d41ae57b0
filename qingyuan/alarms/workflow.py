"""The alarm lifecycle, declared once on the shared workflow module.

open → acknowledged → explained (by the enterprise, with evidence) → verified by the
regulator (甄别: explanation accepted, rejected, or referred to enforcement) → closed.
The regulator may send an explanation back for more (explained → acknowledged) and
may dismiss a false alarm before it is explained (open/acknowledged → closed, with a
reason). Roles (``access.alarm_roles``): ``enterprise`` — the enterprise's users;
``regulator`` — the park's managers and the officers of the enterprise's linked unit
(for points without an enterprise, the park's managers).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qingyuan.alarms.choices import AlarmStatus as S
from qingyuan.core.workflow import Workflow, transition

ENTERPRISE = "enterprise"
REGULATOR = "regulator"

ALARMS = Workflow(
    name="alarm",
    states=S,
    transitions=[
        transition("acknowledge", {S.OPEN}, S.ACKNOWLEDGED, roles={ENTERPRISE, REGULATOR},
                   label=_("Acknowledge"), style="secondary"),
        transition("explain", {S.OPEN, S.ACKNOWLEDGED}, S.EXPLAINED, roles={ENTERPRISE},
                   label=_("Explain"), style="primary"),
        transition("send_back", {S.EXPLAINED}, S.ACKNOWLEDGED, roles={REGULATOR},
                   label=_("Ask for more"), reason=True, style="warning"),
        transition("accept", {S.EXPLAINED}, S.VERIFIED, roles={REGULATOR},
                   label=_("Accept the explanation"), style="success"),
        transition("reject", {S.EXPLAINED}, S.VERIFIED, roles={REGULATOR},
                   label=_("Reject the explanation"), reason=True, style="danger"),
        transition("refer", {S.EXPLAINED}, S.VERIFIED, roles={REGULATOR},
                   label=_("Refer to enforcement"), reason=True, style="danger"),
        transition("close", {S.VERIFIED}, S.CLOSED, roles={REGULATOR}, label=_("Close"), style="success"),
        transition("dismiss", {S.OPEN, S.ACKNOWLEDGED}, S.CLOSED, roles={REGULATOR},
                   label=_("Dismiss as a false alarm"), reason=True, style="secondary"),
    ],
)

VERDICTS = {"accept": "accepted", "reject": "rejected", "refer": "referred"}
