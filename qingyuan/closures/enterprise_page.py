"""The closure case on an enterprise's page, and where its closure is handled (registered from
``ClosuresConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qingyuan.closures import services
from qingyuan.closures.access import can_open
from qingyuan.enterprises.choices import EnterpriseStatus


def section(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    return {
        "closure_case": services.case_of(enterprise, user),
        "can_open_closure": can_open(user, enterprise.park_id)
        and enterprise.status not in (EnterpriseStatus.CLOSED, EnterpriseStatus.RELOCATED, EnterpriseStatus.TRANSFORMED),
    }
