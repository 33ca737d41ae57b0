from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from qingyuan.core.api import Paging


class LoadFilters(Paging):
    park: int | None = Field(None, description="park id; default: the user's first park")
    enterprise: int | None = Field(None, description="one enterprise (404 if not visible)")
    year: int | None = Field(None, ge=2000, le=2100, description="calendar year; default: this year")
    pollutant: str | None = Field(None, description="HJ 212 code, e.g. w01018; default: all")


class PollutantLoadOut(Schema):
    code: str
    name: str
    quota_t: float | None = Field(None, description="permitted annual load (t/a)")
    baseline_t: float | None = Field(None, description="baseline-year load (t/a)")
    ytd_t: float = Field(description="Σ daily masses of the year up to as_of (t), all outlets")
    sent_to_plants_t: float = Field(0.0, description="part of ytd_t discharged at indirect outlets into treatment plants")
    data_days: int
    projected_t: float = Field(description="ytd + ytd / data_days × (days without data since the first day with "
                                           "data, less declared stops, + days left in the year) (t)")
    share_projected: float | None
    level: str = Field(description="ok, warning or over (LoadPolicy shares)")
    months_t: list[float]


class EnterpriseLoadOut(Schema):
    id: int
    name: str
    status: str
    level: str
    pollutants: list[PollutantLoadOut]


class ParkPollutantOut(Schema):
    code: str
    name: str
    plan_baseline_t: float | None
    plan_target_t: float | None
    baseline_sum_t: float
    ledger_t: float
    accounted_t: float
    quota_t: float
    ytd_t: float = Field(description="Σ daily masses at direct outlets (to the environment), incl. plant effluent (t)")
    projected_t: float
    projected_change: float | None
    meets_target: bool | None
    months_t: list[float]
    effluent_t: float = Field(0.0, description="part of ytd_t discharged by treatment plants")
    sent_to_plants_t: float = Field(0.0, description="discharged into treatment plants: not added to ytd_t")


class LoadsOut(Schema):
    park_id: int | None
    year: int
    as_of: dt.date
    park: list[ParkPollutantOut] | None = Field(None, description="park totals; null for enterprise users")
    count: int
    page: int
    page_size: int
    results: list[EnterpriseLoadOut]
