"""The load ledger and the environmental-capacity account of a park.

Ledger entries (``LedgerEntry``) explain every change of the park's accounted load:

* closure: an enterprise closed, relocated or changed business (关停并转) frees its
  baseline load, less what its measures already freed (so nothing is freed twice);
* reduction: a rectification measure marked done frees its ``reductions`` (plans.Measure),
  unless the enterprise has closed (its whole baseline is freed by the closure);
* new_project: an approved project uses its loads.

``sync_park`` writes the missing closure and reduction entries; running it again writes
nothing (existence checks plus partial unique constraints).

Capacity of pollutant p (t/a), from the ledger:

    B          = Σ counted baseline loads of the park's enterprises (baseline year; an
                 indirect discharger's water pollutants are inside its plant's: routes.py)
    cap        = B × target / plan baseline   (plans.LoadTarget; cap = B without a target)
    reserved   = B − cap                      (the reduction the target keeps back)
    freed      = −Σ delta of counted closure, reduction and adjustment entries
    allocated  = Σ delta of new-project entries
    available  = freed − reserved − allocated  (= cap − accounted load)

A project fits when its load ≤ available for every pollutant it emits; the headroom
is available − load (exactly zero fits).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.enterprises.choices import EnterpriseStatus
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads.choices import KEY_POLLUTANTS, EntryKind
from qingyuan.loads.models import BaselineLoad, LedgerEntry, LoadPolicy, NewProject
from qingyuan.loads.routes import Routes, is_water, routes_of
from qingyuan.loads.totals import load_targets
from qingyuan.plans.choices import MeasureStatus
from qingyuan.plans.models import Measure, pollutant_name

# Terminal statuses that take an enterprise's discharge out of the park (关停并转).
FREEING_STATUSES = (EnterpriseStatus.CLOSED, EnterpriseStatus.RELOCATED, EnterpriseStatus.TRANSFORMED)
ZERO = Decimal("0")
PLACES = Decimal("0.0001")


def _t(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(PLACES)


def _record(entry: LedgerEntry) -> LedgerEntry:
    entry.full_clean()
    entry.save()
    audit.record("loads.ledger_entry", entry, acting_user=None,
                 related=entry.enterprise or entry.project or entry.measure, after=audit.snapshot(entry))
    return entry


def sync_park(park_id: int, *, today: dt.date | None = None) -> int:
    """Write the missing closure and reduction entries of a park; returns how many were written."""
    today = today or timezone.localdate()
    policy = LoadPolicy.for_park(park_id)
    written = 0
    with transaction.atomic():
        written += _sync_reductions(park_id)
        written += _sync_closures(park_id, policy, today)
    return written


def _sync_reductions(park_id: int) -> int:
    have = set(LedgerEntry.objects.filter(park_id=park_id, kind=EntryKind.REDUCTION)
               .values_list("measure_id", "pollutant_code"))
    measures = (Measure.objects.filter(plan__enterprise__park_id=park_id, status=MeasureStatus.DONE)
                .exclude(plan__enterprise__status__in=FREEING_STATUSES)
                .select_related("plan__enterprise").order_by("done_on", "id"))
    written = 0
    for m in measures:
        for code, tonnes in sorted((m.reductions or {}).items()):
            amount = _t(tonnes)
            if (m.pk, code) in have or amount <= 0:
                continue
            _record(LedgerEntry(
                park_id=park_id, date=m.done_on or m.deadline, kind=EntryKind.REDUCTION, enterprise=m.plan.enterprise,
                measure=m, pollutant_code=code, delta_t=-amount,
                reason=(_("Measure done: %(title)s") % {"title": m.title})[:300]))
            written += 1
    return written


def _sync_closures(park_id: int, policy: LoadPolicy, today: dt.date) -> int:
    have = set(LedgerEntry.objects.filter(park_id=park_id, kind=EntryKind.CLOSURE)
               .values_list("enterprise_id", "pollutant_code"))
    closed = {e.pk: e for e in Enterprise.objects.filter(park_id=park_id, status__in=FREEING_STATUSES)}
    already: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for ent, code, t in (LedgerEntry.objects.filter(enterprise_id__in=list(closed), kind=EntryKind.REDUCTION)
                         .values_list("enterprise_id", "pollutant_code").annotate(t=Sum("delta_t")).order_by()):
        already[(ent, code)] = -t
    written = 0
    for b in BaselineLoad.objects.filter(enterprise_id__in=list(closed), year=policy.baseline_year).order_by(
            "enterprise_id", "pollutant_code"):
        if (b.enterprise_id, b.pollutant_code) in have:
            continue
        e = closed[b.enterprise_id]
        freed = max(ZERO, _t(b.load_t) - already[(e.pk, b.pollutant_code)])
        _record(LedgerEntry(
            park_id=park_id, date=e.status_since or today, kind=EntryKind.CLOSURE, enterprise=e,
            pollutant_code=b.pollutant_code, delta_t=-freed,
            reason=(_("%(status)s: baseline load of %(year)s freed") % {
                "status": e.get_status_display(), "year": policy.baseline_year})[:300]))
        written += 1
    return written


# ---- capacity ------------------------------------------------------------------------------------

@dataclass
class CapacityRow:
    code: str
    baseline: Decimal  # B
    cap: Decimal
    freed: Decimal
    allocated: Decimal

    @property
    def name(self) -> str:
        return pollutant_name(self.code)

    @property
    def reserved(self) -> Decimal:
        return self.baseline - self.cap

    @property
    def available(self) -> Decimal:
        return self.freed - self.reserved - self.allocated


def capacity(park_id: int, *, routes: Routes | None = None) -> dict[str, CapacityRow]:
    """The capacity account of every pollutant with a baseline, a target or a ledger entry (4 queries).

    On the basis of what reaches the environment (``routes``): a water baseline or ledger entry of an
    enterprise whose wastewater all goes to treatment plants is inside the plant's and not counted.
    ``routes`` (the park's ``routes_of``) may come from a cache (``cockpit.figures``: one per park).
    """
    policy = LoadPolicy.for_park(park_id)
    if routes is None:
        routes = routes_of(Enterprise.objects.filter(park_id=park_id).values_list("pk", flat=True))
    base: dict[str, Decimal] = defaultdict(lambda: ZERO)
    # Σ per pollutant by the database, less the indirect-only enterprises' water baselines (routes.counts):
    # one row per pollutant, not one per enterprise. A baseline is unique per enterprise, pollutant and year
    # and has 4 decimals, so the rounded sum is the sum of the rounded baselines.
    inside = Q(enterprise_id__in=list(routes.indirect_only) or [0])
    for code, every, within, n, n_within in (
            BaselineLoad.objects.filter(enterprise__park_id=park_id, year=policy.baseline_year)
            .values_list("pollutant_code").annotate(every=Sum("load_t"), within=Sum("load_t", filter=inside),
                                                    n=Count("id"), n_within=Count("id", filter=inside)).order_by()):
        if not is_water(code):
            base[code] = _t(every)
        elif n > n_within:  # some counted: a pollutant whose baselines are all inside plants has no row
            base[code] = _t(every) - _t(within)
    freed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    allocated: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ent, code, kind, t in (LedgerEntry.objects.filter(park_id=park_id)
                               .values_list("enterprise_id", "pollutant_code", "kind")
                               .annotate(t=Sum("delta_t")).order_by()):
        if ent is not None and not routes.counts(ent, code):
            continue  # inside a treatment plant's figure: frees capacity at the plant, not in the river
        if kind == EntryKind.NEW_PROJECT:
            allocated[code] += _t(t)
        else:
            freed[code] -= _t(t)
    targets = load_targets(park_id)
    codes = sorted(set(KEY_POLLUTANTS) | set(base) | set(freed) | set(allocated),
                   key=lambda c: (KEY_POLLUTANTS.index(c) if c in KEY_POLLUTANTS else 99, c))
    out = {}
    for code in codes:
        b = base[code]
        target = targets.get(code)
        cap = (b * target.target_t / target.baseline_t).quantize(PLACES) if target and target.baseline_t else b
        out[code] = CapacityRow(code, b, cap, freed[code], allocated[code])
    return out


@dataclass
class FitRow:
    code: str
    load: Decimal
    available: Decimal

    @property
    def name(self) -> str:
        return pollutant_name(self.code)

    @property
    def headroom(self) -> Decimal:
        return self.available - self.load

    @property
    def fits(self) -> bool:
        return self.headroom >= 0


@dataclass
class FitResult:
    ok: bool
    rows: list[FitRow]

    @property
    def headroom(self) -> dict[str, Decimal]:
        return {r.code: r.headroom for r in self.rows}

    def shortfall_text(self) -> str:
        return "; ".join(_("%(name)s: needs %(load)s t/a, %(available)s t/a free") % {
            "name": r.name, "load": r.load.normalize(), "available": r.available.normalize()}
            for r in self.rows if not r.fits)


def fits_loads(park_id: int, loads: dict[str, Decimal], *, project: NewProject | None = None) -> FitResult:
    """Whether ``loads`` (pollutant → t/a) fit the park's available capacity; per-pollutant headroom.

    An approved ``project``'s own entries are given back first, so re-checking it is neutral.
    """
    account = capacity(park_id)
    own: dict[str, Decimal] = defaultdict(lambda: ZERO)
    if project is not None and project.pk:
        for code, t in project.entries.values_list("pollutant_code").annotate(t=Sum("delta_t")).order_by():
            own[code] = _t(t)
    rows = []
    for code, load in sorted(loads.items()):
        row = account.get(code)
        available = (row.available if row else ZERO) + own[code]
        rows.append(FitRow(code, _t(load), available))
    return FitResult(all(r.fits for r in rows), rows)


def fits(project: NewProject) -> tuple[bool, dict[str, Decimal]]:
    """``fits(project) -> (bool, per-pollutant headroom)`` over the project's loads."""
    result = fits_loads(project.park_id, {pl.pollutant_code: pl.load_t for pl in project.loads.all()},
                        project=project)
    return result.ok, result.headroom
