"""The loads section of an enterprise's page (registered from ``LoadsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qingyuan.loads import services


def section(enterprise: Any, user: Any, today: dt.date) -> dict[str, Any]:
    return {"loads": services.enterprise_year(enterprise, today=today)}
