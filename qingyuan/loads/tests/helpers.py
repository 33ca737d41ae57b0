"""Rows for the load, capacity and rebound tests: daily/monthly values, permits, baselines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qingyuan.enterprises.models import MonitoringPoint, Permit, PermitLimit
from qingyuan.quality.compute import local_midnight, refresh_months
from qingyuan.quality.models import DailyValue, MonthlyValue

_SERIAL = iter(range(1, 10**6))


def _row(model: Any, point: MonitoringPoint, code: str, start_day: dt.date, **fields: Any) -> Any:
    defaults = {"unit": "mg/L" if code.startswith("w") else "mg/m3", "source": "computed", "valid": True,
                "n_expected": 24, "n_received": 24, "n_valid": 24, "computed_at": timezone.now()}
    defaults.update(fields)
    return model.objects.create(point=point, parameter=code, start=local_midnight(start_day), **defaults)


def daily(point: MonitoringPoint, code: str, day: dt.date, *, kg: float | None, mean: float | None = 50.0,
          refresh: bool = True, **fields: Any) -> DailyValue:
    """A daily value; its month is computed again, as the quality worker does after computing a day."""
    row = _row(DailyValue, point, code, day, day=day, mass_kg=kg, mean=mean, **fields)
    if refresh:
        refresh_months([point.pk], [day])
    return row


def monthly(point: MonitoringPoint, code: str, month: dt.date, *, mean: float | None, **fields: Any) -> MonthlyValue:
    return _row(MonthlyValue, point, code, month, month=month, mean=mean, n_expected=30, n_received=30,
                n_valid=30, **fields)


def permit(enterprise: Any, loads: dict[str, str], *, outlet: Any = None, limits: dict[str, str] | None = None,
           valid_from: dt.date = dt.date(2024, 1, 1), valid_to: dt.date = dt.date(2030, 12, 31)) -> Permit:
    p = Permit.objects.create(enterprise=enterprise, number=f"P{enterprise.pk}-{next(_SERIAL)}", issuer="县环保局",
                              valid_from=valid_from, valid_to=valid_to)
    for code in sorted(set(loads) | set(limits or {})):
        PermitLimit.objects.create(
            permit=p, outlet=outlet, pollutant_code=code,
            concentration_limit=Decimal(limits[code]) if limits and code in limits else None,
            unit="mg/L" if code.startswith("w") else "mg/m3",
            annual_load_t=Decimal(loads[code]) if code in loads else None)
    return p
