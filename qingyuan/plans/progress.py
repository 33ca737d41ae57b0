"""Progress of a park implementation plan, computed from its enterprise plans and enterprise statuses.

Nothing here is typed in. For a park plan with target enterprises T (each with an
intended outcome: close, rectify or relocate):

* reached(t) = the enterprise's status is the outcome's status (closed / rectified / relocated)
* accepted(t) = the enterprise's plan under this park plan has status "accepted"
* for each outcome type and overall: reached share = #reached / #targets, accepted share = #accepted / #targets
* measures (all enterprise plans of the park plan, cancelled measures left out):
  count share = #done / #measures; investment share = Σ investment of done / Σ investment
  (万元); the weighted measure progress is the investment share, or the count share when
  no measure has an investment
* load reduction of pollutant p: achieved(p) = Σ reductions[p] of done measures;
  required(p) = baseline − target; share = min(1, achieved / required)
* headline progress = reached share over all targets
* a milestone is done when its rule holds (e.g. every closure target is closed)

Five queries whatever the number of plans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from qingyuan.plans.choices import OUTCOME_STATUS, MeasureStatus, MilestoneRule, Outcome, PlanStatus
from qingyuan.plans.models import EnterprisePlan, LoadTarget, Measure, Milestone, ParkPlan, PlanTarget

APPROVED_OR_LATER = (PlanStatus.APPROVED, PlanStatus.ACCEPTANCE, PlanStatus.ACCEPTED)
ZERO = Decimal("0")


def money(value: Decimal | None) -> Decimal:
    """万元 with two decimals, whatever the database's SUM returns."""
    return (value or ZERO).quantize(Decimal("0.01"))


def share(part: Decimal | int, whole: Decimal | int) -> Decimal:
    """part / whole as a fraction rounded to 4 places; 0 when there is nothing to count."""
    if not whole:
        return ZERO
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


@dataclass
class TargetRow:
    target: PlanTarget
    plan: EnterprisePlan | None
    reached: bool
    accepted: bool
    measures: int = 0
    measures_done: int = 0
    investment: Decimal = ZERO
    investment_done: Decimal = ZERO


@dataclass
class Tally:
    outcome: str
    label: Any
    total: int = 0
    reached: int = 0
    accepted: int = 0
    approved: int = 0

    @property
    def reached_share(self) -> Decimal:
        return share(self.reached, self.total)

    @property
    def accepted_share(self) -> Decimal:
        return share(self.accepted, self.total)


@dataclass
class LoadRow:
    load: LoadTarget
    achieved: Decimal

    @property
    def required(self) -> Decimal:
        return self.load.required_t

    @property
    def share(self) -> Decimal:
        return min(Decimal(1), share(self.achieved, self.required)) if self.required > 0 else Decimal(1)

    @property
    def met(self) -> bool:
        return self.achieved >= self.required


@dataclass
class MilestoneRow:
    milestone: Milestone
    done: bool
    share: Decimal

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.milestone.due_date < today


@dataclass
class Progress:
    park_plan: ParkPlan
    rows: list[TargetRow]
    by_outcome: list[Tally]
    overall: Tally
    measures: int
    measures_done: int
    investment: Decimal
    investment_done: Decimal
    loads: list[LoadRow]
    milestones: list[MilestoneRow] = field(default_factory=list)

    @property
    def measures_share(self) -> Decimal:
        return share(self.measures_done, self.measures)

    @property
    def investment_share(self) -> Decimal:
        return share(self.investment_done, self.investment)

    @property
    def weighted_measures_share(self) -> Decimal:
        return self.investment_share if self.investment > 0 else self.measures_share

    @property
    def headline(self) -> Decimal:
        return self.overall.reached_share


def compute(park_plan: ParkPlan) -> Progress:
    targets = list(park_plan.targets.select_related("enterprise").order_by("outcome", "enterprise__name"))
    done = Q(measures__status=MeasureStatus.DONE)
    live = ~Q(measures__status=MeasureStatus.CANCELLED)
    plans = {p.enterprise_id: p for p in park_plan.enterprise_plans.annotate(
        n_measures=Count("measures", filter=live), n_done=Count("measures", filter=done),
        inv=Sum("measures__investment", filter=live), inv_done=Sum("measures__investment", filter=done))}
    rows = []
    for t in targets:
        plan = plans.get(t.enterprise_id)
        rows.append(TargetRow(
            target=t, plan=plan, reached=t.enterprise.status == OUTCOME_STATUS[Outcome(t.outcome)],
            accepted=plan is not None and plan.status == PlanStatus.ACCEPTED,
            measures=getattr(plan, "n_measures", 0), measures_done=getattr(plan, "n_done", 0),
            investment=money(getattr(plan, "inv", None)), investment_done=money(getattr(plan, "inv_done", None))))
    tallies = {o.value: Tally(o.value, o.label) for o in Outcome}
    overall = Tally("all", "")
    for row in rows:
        for tally in (tallies[row.target.outcome], overall):
            tally.total += 1
            tally.reached += row.reached
            tally.accepted += row.accepted
            tally.approved += row.plan is not None and row.plan.status in APPROVED_OR_LATER
    all_plans = list(plans.values())
    progress = Progress(
        park_plan=park_plan, rows=rows, by_outcome=[t for t in tallies.values() if t.total], overall=overall,
        measures=sum(p.n_measures for p in all_plans), measures_done=sum(p.n_done for p in all_plans),
        investment=money(sum((p.inv or ZERO for p in all_plans), ZERO)),
        investment_done=money(sum((p.inv_done or ZERO for p in all_plans), ZERO)),
        loads=_loads(park_plan))
    progress.milestones = [_milestone(m, progress, tallies) for m in park_plan.milestones.all()]
    return progress


def _loads(park_plan: ParkPlan) -> list[LoadRow]:
    achieved: dict[str, Decimal] = {}
    done = Measure.objects.filter(plan__park_plan=park_plan, status=MeasureStatus.DONE).values_list(
        "reductions", flat=True)
    for reductions in done:
        for code, tonnes in (reductions or {}).items():
            achieved[code] = achieved.get(code, ZERO) + Decimal(str(tonnes))
    return [LoadRow(load=load, achieved=achieved.get(load.pollutant_code, ZERO))
            for load in park_plan.load_targets.all()]


def _milestone(m: Milestone, p: Progress, tallies: dict[str, Tally]) -> MilestoneRow:
    def complete(part: int, whole: int) -> tuple[bool, Decimal]:
        return part >= whole, share(part, whole) if whole else Decimal(1)

    rule = MilestoneRule(m.rule)
    if rule == MilestoneRule.PLANS_APPROVED:
        ok, frac = complete(p.overall.approved, p.overall.total)
    elif rule == MilestoneRule.ALL_ACCEPTED:
        ok, frac = complete(p.overall.accepted, p.overall.total)
    elif rule == MilestoneRule.LOADS_MET:
        ok, frac = complete(sum(r.met for r in p.loads), len(p.loads))
    else:
        outcome = {MilestoneRule.CLOSURES_DONE: Outcome.CLOSE, MilestoneRule.RECTIFICATIONS_DONE: Outcome.RECTIFY,
                   MilestoneRule.RELOCATIONS_DONE: Outcome.RELOCATE}[rule]
        tally = tallies[outcome.value]
        ok, frac = complete(tally.reached, tally.total)
    return MilestoneRow(milestone=m, done=ok, share=frac)
