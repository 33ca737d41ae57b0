"""Annual and monthly loads per enterprise and park, against quotas, baselines and targets.

Everything is summed from ``quality.DailyValue.mass_kg`` (kg per point, parameter and
local day; the quality app computes it as concentration × volume, NOTES §4), over the
points of an enterprise's outlets, less ``ExcludedPoint``s; read through the monthly values'
sums and days with a mass (``masses.py``). Totals are in tonnes.

Projection to the year end (documented in docs/loads-and-sections.md):

    ytd        = Σ mass of the days of the year up to ``as_of``           (t)
                 + the substituted mass of invalid or missing CEMS hours when the park's policy says
                 hj75 (HJ 75-2017; stored, ``substituted.py``)
    data_days  = number of those days with any mass for the pollutant (+ the days wholly substituted)
    rate       = ytd / data_days                                          (t/d; 0 without data)
    gaps       = days from the first day with data to ``as_of`` that have no data and are not
                 touched by an approved whole-enterprise stop-production declaration (a stop
                 counts as zero only on the days it leaves without data: a stop from 08:00 on a
                 day with data removes nothing, ``stop_days_with_data``)
    remaining  = days of the year after ``as_of``
    projected  = ytd + rate × (gaps + remaining)

A day without data is not a day without discharge: a gap in monitoring is estimated at the
mean daily rate (the substitution principle of HJ 75), while a declared stop counts as zero
and the days before monitoring began are left out (nothing is known of them).

Alert level of a pollutant: ``over`` when projected ≥ alert% of the quota, ``warning``
when ≥ warn% (LoadPolicy; 80 % / 100 % by default, NOTES §10 [U]); else ``ok``.
A fixed number of queries whatever the number of enterprises.

An enterprise's figures cover all its outlets. The park's cover what reaches the environment:
masses at direct outlets only, and t/a figures on the basis of ``routes.Routes.counts``
(an indirect discharger's wastewater is counted once, at its treatment plant's effluent).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from qingyuan.enterprises.choices import DischargeRoute
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.enterprises.permits import limits_in_force
from qingyuan.loads.choices import KEY_POLLUTANTS, AlertLevel
from qingyuan.loads.masses import DIRECT, Mass, masses
from qingyuan.loads.models import BaselineLoad, ExcludedPoint, LedgerEntry, LoadPolicy
from qingyuan.loads.routes import PlantBalance, Routes, plant_balances, routes_of
from qingyuan.loads.substituted import Substituted, by_enterprise
from qingyuan.plans.models import LoadTarget, pollutant_name
from qingyuan.quality.choices import DeclarationStatus
from qingyuan.quality.compute import local_day, local_midnight
from qingyuan.quality.models import DailyValue, StopDeclaration

KG_PER_T = 1000.0


def id_list(ids: Iterable[int]) -> Iterable[int]:
    """Ids for an ``__in`` filter: a queryset stays a subquery (no parameter per id), anything else a list."""
    return ids if isinstance(ids, QuerySet) else list(ids)


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def project(ytd_t: float, data_days: int, as_of: dt.date, first_day: dt.date | None = None,
            stopped_days: int = 0) -> float:
    """ytd + (ytd / data_days) × (the gaps since ``first_day`` + the days left in the year after ``as_of``)."""
    remaining = (dt.date(as_of.year, 12, 31) - as_of).days
    gaps = 0 if first_day is None else max(0, (as_of - first_day).days + 1 - data_days - stopped_days)
    rate = ytd_t / data_days if data_days else 0.0
    return ytd_t + rate * (gaps + remaining)


def stopped_days(enterprise_ids: Iterable[int], year: int, as_of: dt.date) -> dict[int, set[dt.date]]:
    """enterprise → the local days of ``year`` up to ``as_of`` under an approved stop-production
    declaration for the whole enterprise (one naming points stops only those: not counted here)."""
    first = dt.date(year, 1, 1)
    rows = StopDeclaration.objects.filter(
        enterprise_id__in=id_list(enterprise_ids), status=DeclarationStatus.APPROVED, points__isnull=True,
        start__lt=local_midnight(as_of + dt.timedelta(days=1)), end__gt=local_midnight(first),
    ).values_list("enterprise_id", "start", "end")
    out: dict[int, set[dt.date]] = defaultdict(set)
    for ent, start, end in rows:
        day, last = max(local_day(start), first), min(local_day(end - dt.timedelta(microseconds=1)), as_of)
        while day <= last:
            out[ent].add(day)
            day += dt.timedelta(days=1)
    return out


def stop_days_with_data(point_ids: Iterable[int], stopped: dict[int, set[dt.date]],
                        codes: Iterable[str] | None = None) -> dict[tuple[int, str], tuple[set[dt.date], set[dt.date]]]:
    """(enterprise, pollutant) → (its stopped days with a mass at any counted point, at direct ones); one query,
    none without stops. These days keep their data: a stop that covers part of a day never removes it."""
    if not stopped:
        return {}
    every = set().union(*stopped.values())
    rows = DailyValue.objects.filter(point_id__in=id_list(point_ids), point__outlet__enterprise_id__in=list(stopped),
                                     day__gte=min(every), day__lte=max(every), mass_kg__isnull=False)
    if codes is not None:
        rows = rows.filter(parameter__in=list(codes))
    out: dict[tuple[int, str], tuple[set[dt.date], set[dt.date]]] = {}
    for ent, code, day, route in rows.values_list("point__outlet__enterprise_id", "parameter", "day",
                                                  DIRECT).distinct():
        if day in stopped.get(ent, ()):
            found = out.setdefault((ent, code), (set(), set()))
            found[0].add(day)
            if route == DischargeRoute.DIRECT:
                found[1].add(day)
    return out


def stopped_since(days: set[dt.date], first_day: dt.date | None, with_data: set[dt.date] = frozenset()) -> int:
    """The stopped days from ``first_day`` on that have no data (those count as zero)."""
    return 0 if first_day is None else sum(1 for d in days if d >= first_day and d not in with_data)


def level_of(value_t: float, quota_t: float | None, policy: LoadPolicy) -> str:
    if quota_t is None:
        return AlertLevel.OK
    if quota_t <= 0:
        return AlertLevel.OVER if value_t > 0 else AlertLevel.OK
    share = value_t / quota_t
    if share * 100 >= policy.alert_percent:
        return AlertLevel.OVER
    if share * 100 >= policy.warn_percent:
        return AlertLevel.WARNING
    return AlertLevel.OK


@dataclass
class PollutantLoad:
    code: str
    quota_t: float | None = None
    baseline_t: float | None = None
    ytd_t: float = 0.0
    data_days: int = 0
    projected_t: float = 0.0
    months_t: list[float] = field(default_factory=lambda: [0.0] * 12)
    level: str = AlertLevel.OK
    # The part discharged at direct outlets (to the environment), and its projection.
    direct_months_t: list[float] = field(default_factory=lambda: [0.0] * 12)
    direct_projected_t: float = 0.0
    direct_data_days: int = 0
    # Of ``ytd_t`` and of the direct part: the substituted mass of invalid or missing CEMS hours (HJ 75-2017).
    substituted_t: float = 0.0
    direct_substituted_t: float = 0.0

    @property
    def name(self) -> str:
        return pollutant_name(self.code)

    @property
    def direct_ytd_t(self) -> float:
        return sum(self.direct_months_t)

    @property
    def sent_ytd_t(self) -> float:
        """The part sent to treatment plants (indirect outlets)."""
        return max(0.0, self.ytd_t - self.direct_ytd_t)

    @property
    def share_ytd(self) -> float | None:
        return self.ytd_t / self.quota_t if self.quota_t else None

    @property
    def share_projected(self) -> float | None:
        return self.projected_t / self.quota_t if self.quota_t else None

    def month_quota_t(self, year: int, month: int) -> float | None:
        """The quota pro rata for one month: quota × days of the month / days of the year."""
        if self.quota_t is None:
            return None
        return self.quota_t * calendar.monthrange(year, month)[1] / days_in_year(year)


@dataclass
class EnterpriseLoads:
    enterprise: Enterprise
    year: int
    as_of: dt.date
    pollutants: list[PollutantLoad]
    routes: Routes = field(default_factory=Routes)

    @property
    def indirect(self) -> bool:
        """All its wastewater goes to treatment plants (间接排放)."""
        return self.enterprise.pk in self.routes.indirect_only

    @property
    def plants(self) -> tuple[str, ...]:
        """The treatment plants its indirect outlets discharge into."""
        return self.routes.plants_of.get(self.enterprise.pk, ())

    @property
    def is_plant(self) -> bool:
        return self.enterprise.pk in self.routes.plants

    @property
    def level(self) -> str:
        levels = [p.level for p in self.pollutants]
        return AlertLevel.OVER if AlertLevel.OVER in levels else (
            AlertLevel.WARNING if AlertLevel.WARNING in levels else AlertLevel.OK)

    def get(self, code: str) -> PollutantLoad | None:
        return next((p for p in self.pollutants if p.code == code), None)


def as_of_for(year: int, today: dt.date) -> dt.date:
    """The last day counted: today in the current year, the 31st of December of a past year."""
    return min(today, dt.date(year, 12, 31))


def counted_points(enterprise_ids: Iterable[int]) -> dict[int, int]:
    """point id → enterprise id, for the enterprises' outlet points that count toward loads."""
    excluded = ExcludedPoint.objects.values("point_id")
    rows = MonitoringPoint.objects.filter(outlet__enterprise_id__in=list(enterprise_ids)).exclude(
        pk__in=excluded).values_list("pk", "outlet__enterprise_id")
    return dict(rows)


def quotas(enterprise_ids: Iterable[int], year: int, as_of: dt.date) -> dict[int, dict[str, float]]:
    """enterprise → pollutant → permitted annual load (t/a) of the permit in force at ``as_of``
    (else the latest permit valid during the year), summed over its outlets."""
    rows = limits_in_force(id_list(enterprise_ids), as_of, among=(dt.date(year, 1, 1), dt.date(year, 12, 31))
                           ).filter(annual_load_t__isnull=False).values_list(
        "permit__enterprise_id", "pollutant_code", "annual_load_t")
    loads: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for ent, code, tonnes in rows:
        loads[ent][code] += tonnes
    return {ent: {code: float(t) for code, t in codes.items()} for ent, codes in loads.items()}


def baselines(enterprise_ids: Iterable[int], year: int) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for ent, code, tonnes in BaselineLoad.objects.filter(enterprise_id__in=list(enterprise_ids), year=year) \
            .values_list("enterprise_id", "pollutant_code", "load_t"):
        out[ent][code] = float(tonnes)
    return out


def enterprise_loads(enterprises: list[Enterprise], year: int, as_of: dt.date, policy: LoadPolicy,
                     codes: Iterable[str] | None = None) -> list[EnterpriseLoads]:
    """Loads of each enterprise in ``year`` up to ``as_of``, against its quota and baseline."""
    ids = [e.pk for e in enterprises]
    routes = routes_of(ids)
    points = counted_points(ids)
    quota = quotas(ids, year, as_of)
    mass = masses(points, year, as_of, codes)
    base = baselines(ids, policy.baseline_year)
    stopped = stopped_days(ids, year, as_of)
    kept = stop_days_with_data(points, stopped, codes)
    subs = by_enterprise(list(points), year, as_of, policy.missing_hours, codes)
    wanted = set(codes) if codes is not None else None
    measured: dict[int, set[str]] = defaultdict(set)  # enterprise → pollutants with masses (one pass, not E × M)
    for ent, c in [*mass, *subs]:
        measured[ent].add(c)
    out = []
    for e in enterprises:
        found = set(KEY_POLLUTANTS) | set(quota.get(e.pk, {})) | set(base.get(e.pk, {})) | measured.get(e.pk, set())
        if wanted is not None:
            found &= wanted
        rows = []
        for code in sorted(found, key=_order):
            m = with_substituted(mass.get((e.pk, code), Mass()), subs.get((e.pk, code)))
            row = PollutantLoad(code=code, quota_t=quota.get(e.pk, {}).get(code),
                                baseline_t=base.get(e.pk, {}).get(code), months_t=m.months_t, data_days=m.days,
                                direct_months_t=m.direct_months_t, direct_data_days=m.direct_days)
            row.ytd_t = sum(m.months_t)
            sub = subs.get((e.pk, code))
            if sub is not None:
                row.substituted_t, row.direct_substituted_t = sum(sub.months_t), sum(sub.direct_months_t)
            stops = stopped.get(e.pk, set())
            with_data, direct_with_data = kept.get((e.pk, code), (set(), set()))
            row.projected_t = project(row.ytd_t, m.days, as_of, m.first_day,
                                      stopped_since(stops, m.first_day, with_data))
            row.direct_projected_t = project(row.direct_ytd_t, m.direct_days, as_of, m.direct_first_day,
                                             stopped_since(stops, m.direct_first_day, direct_with_data))
            row.level = level_of(row.projected_t, row.quota_t, policy)
            if row.quota_t is None and row.baseline_t is None and m.days == 0 and code not in KEY_POLLUTANTS:
                continue
            rows.append(row)
        out.append(EnterpriseLoads(e, year, as_of, rows, routes))
    return out


def with_substituted(m: Mass, sub: Substituted | None) -> Mass:
    """The measured mass plus the substituted one (HJ 75-2017, ``substituted.py``): its tonnes in the months,
    its wholly substituted days among the days with data."""
    if sub is None:
        return m
    return Mass([a + b for a, b in zip(m.months_t, sub.months_t, strict=True)], m.days + sub.days,
                [a + b for a, b in zip(m.direct_months_t, sub.direct_months_t, strict=True)],
                m.direct_days + sub.direct_days, m.first_day, m.direct_first_day)


def _order(code: str) -> tuple[int, str]:
    return (KEY_POLLUTANTS.index(code) if code in KEY_POLLUTANTS else len(KEY_POLLUTANTS), code)


# ---- the park ------------------------------------------------------------------------------------

@dataclass
class ParkPollutant:
    """The park's figures of one pollutant, on the basis of what reaches the environment."""

    code: str
    plan_baseline_t: float | None  # plans.LoadTarget: the park plan's baseline and target (t/a)
    plan_target_t: float | None
    baseline_sum_t: float  # Σ counted BaselineLoad of the park's enterprises in the baseline year
    ledger_t: float  # Σ counted LedgerEntry.delta_t
    quota_t: float  # Σ counted permitted annual loads
    ytd_t: float  # Σ masses at direct outlets (to the environment)
    projected_t: float
    months_t: list[float]
    sent_months_t: list[float] = field(default_factory=lambda: [0.0] * 12)  # to treatment plants, not counted
    effluent_months_t: list[float] = field(default_factory=lambda: [0.0] * 12)  # plants' direct outlets
    plants: list[PlantBalance] = field(default_factory=list)
    data_days: int = 0  # the most days with data at any enterprise's direct outlets this year
    substituted_t: float = 0.0  # of ytd_t: substituted CEMS hours (HJ 75-2017; park_totals only)

    @property
    def name(self) -> str:
        return pollutant_name(self.code)

    @property
    def sent_t(self) -> float:
        return sum(self.sent_months_t)

    @property
    def effluent_t(self) -> float:
        return sum(self.effluent_months_t)

    @property
    def direct_dischargers_t(self) -> float:
        """Discharged to the environment by enterprises other than the treatment plants."""
        return self.ytd_t - self.effluent_t

    @property
    def accounted_t(self) -> float:
        """The accounted load: enterprise baselines plus every explained change since."""
        return self.baseline_sum_t + self.ledger_t

    @property
    def reference_t(self) -> float | None:
        """The baseline the projection is compared with, on the projection's own basis: the counted
        enterprise baselines (what the park's monitored outlets discharged in the baseline year); the
        plan's baseline only when no enterprise has one. A plan figure drawn up on another basis (a
        county total, a different set of sources) is never set against the monitored load."""
        return self.baseline_sum_t or self.plan_baseline_t

    @property
    def required_share(self) -> float | None:
        """The reduction the target asks for, as a share of the plan's baseline (e.g. 0.10)."""
        if self.plan_baseline_t and self.plan_target_t is not None:
            return 1 - self.plan_target_t / self.plan_baseline_t
        return None

    @property
    def target_t(self) -> float | None:
        """The target on the reference basis: reference × (1 − the plan's reduction share), the same
        cap as the capacity account (``ledger.capacity``)."""
        ref, share = self.reference_t, self.required_share
        return ref * (1 - share) if ref and share is not None else None

    @property
    def plan_mismatch(self) -> bool:
        """The plan's baseline and the enterprises' differ by more than 5 %: the plan was drawn up on
        another basis, so only its reduction share is applied."""
        return bool(self.plan_baseline_t and self.baseline_sum_t
                    and abs(self.baseline_sum_t / self.plan_baseline_t - 1) > 0.05)

    @property
    def has_data(self) -> bool:
        return self.data_days > 0

    @property
    def projected_change(self) -> float | None:
        """Projected annual load against the reference baseline: −0.12 = 12 % below; None without data
        (no measurement is not a 100 % reduction)."""
        ref = self.reference_t
        return self.projected_t / ref - 1 if ref and self.has_data else None

    @property
    def meets_target(self) -> bool | None:
        """Projection at or under the target on the same basis; None without a target or without data."""
        target = self.target_t
        if target is None or not self.has_data:
            return None
        return self.projected_t <= target


def load_targets(park_id: int) -> dict[str, LoadTarget]:
    """The park's reduction targets from its implementation plan (approved first, newest first)."""
    out: dict[str, LoadTarget] = {}
    rows = LoadTarget.objects.filter(park_plan__park_id=park_id).select_related("park_plan").order_by(
        "park_plan__status", "-park_plan__approved_on", "-park_plan_id")  # "approved" < "draft"
    for t in rows:
        out.setdefault(t.pollutant_code, t)
    return out


def ledger_sums(park_id: int, routes: Routes) -> dict[str, float]:
    """Σ ledger changes per pollutant, leaving out those inside a treatment plant's figure."""
    rows = LedgerEntry.objects.filter(park_id=park_id).values_list("enterprise_id", "pollutant_code").annotate(
        t=Sum("delta_t")).order_by()
    out: dict[str, float] = defaultdict(float)
    for ent, code, t in rows:
        if ent is None or routes.counts(ent, code):
            out[code] += float(t)
    return dict(out)


def _add(a: list[float], b: list[float]) -> list[float]:
    return [x + y for x, y in zip(a, b, strict=True)]


def park_totals(rows: list[EnterpriseLoads], park_id: int, year: int) -> list[ParkPollutant]:
    """Σ of the enterprises on the environment basis, the split by route and the plants' balance."""
    routes = rows[0].routes if rows else routes_of(
        Enterprise.objects.filter(park_id=park_id).values_list("pk", flat=True))
    targets = load_targets(park_id)
    ledger = ledger_sums(park_id, routes)
    by_code: dict[str, ParkPollutant] = {}
    for code in KEY_POLLUTANTS:
        t = targets.get(code)
        by_code[code] = ParkPollutant(code, float(t.baseline_t) if t else None, float(t.target_t) if t else None,
                                      0.0, ledger.get(code, 0.0), 0.0, 0.0, 0.0, [0.0] * 12)
    for ent in rows:
        for p in ent.pollutants:
            if p.code not in by_code:
                continue
            total = by_code[p.code]
            if routes.counts(ent.enterprise.pk, p.code):
                total.baseline_sum_t += p.baseline_t or 0.0
                total.quota_t += p.quota_t or 0.0
            total.ytd_t += p.direct_ytd_t
            total.substituted_t += p.direct_substituted_t
            total.projected_t += p.direct_projected_t
            total.data_days = max(total.data_days, p.direct_data_days)
            total.months_t = _add(total.months_t, p.direct_months_t)
            total.sent_months_t = _add(total.sent_months_t, [a - d for a, d in zip(p.months_t, p.direct_months_t,
                                                                                    strict=True)])
            if ent.is_plant:
                total.effluent_months_t = _add(total.effluent_months_t, p.direct_months_t)
    if rows:
        as_of = rows[0].as_of
        for balance in plant_balances(park_id, routes.plants, year, as_of, KEY_POLLUTANTS):
            by_code[balance.code].plants.append(balance)
    return list(by_code.values())


def park_enterprises(park_id: int) -> list[Enterprise]:
    return list(Enterprise.objects.filter(park_id=park_id).order_by("name", "id"))
