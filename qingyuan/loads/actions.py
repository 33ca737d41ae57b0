"""Every change of load-control data: baselines, new projects and their decisions, rebound flags.

Each action checks the acting user, validates, writes inside a transaction and records its
audit entry. Views, the API, the worker and the demo call these; nothing else saves models.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.enterprises.models import Enterprise
from qingyuan.enterprises.permits import limits_in_force
from qingyuan.loads import ledger
from qingyuan.loads.choices import BaselineSource, EntryKind, FlagStatus, ProjectStatus
from qingyuan.loads.models import BaselineLoad, LedgerEntry, NewProject, ProjectLoad, ReboundFlag
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park
from qingyuan.standards import pollutant

PLACES = Decimal("0.0001")


def can_manage(user: Any, park_id: int) -> bool:
    """The park's office, leaders and administrators manage baselines, projects and flags."""
    return user is None or actor_for(user).manages_park(park_id)


def _require(user: Any, park_id: int) -> None:
    if not can_manage(user, park_id):
        raise PermissionDenied


def tonnes(value: Any, field: str) -> Decimal:
    """A non-negative load in t/a, or a ValidationError on ``field``."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number of tonnes per year.")}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("A load cannot be negative.")})
    return amount.quantize(PLACES)


def _code(code: str, field: str = "pollutant_code") -> str:
    code = (code or "").strip()
    if pollutant(code) is None:
        raise ValidationError({field: _("Unknown HJ 212 pollutant code “%(code)s”.") % {"code": code}})
    return code


# ---- baselines -------------------------------------------------------------------------------------

@transaction.atomic
def do_set_baseline(enterprise: Enterprise, *, acting_user: Any, pollutant_code: str, year: int, load_t: Any,
                    note: str = "", source: str = BaselineSource.MANUAL) -> BaselineLoad:
    """Set an enterprise's baseline load of one pollutant in ``year`` (t/a); audited with before/after."""
    _require(acting_user, enterprise.park_id)
    code = _code(pollutant_code)
    amount = tonnes(load_t, "load_t")
    row = BaselineLoad.objects.select_for_update().filter(enterprise=enterprise, pollutant_code=code,
                                                          year=year).first()
    before = audit.snapshot(row) if row else None
    if row is None:
        row = BaselineLoad(enterprise=enterprise, pollutant_code=code, year=year)
    row.load_t, row.note, row.source = amount, note.strip()[:200], source
    row.full_clean()
    row.save()
    after = audit.snapshot(row)
    if before is not None:
        before, after = audit.changed(before, after)
    audit.record("loads.set_baseline", row, acting_user=acting_user, related=enterprise, before=before, after=after)
    return row


def baselines_from_permit(enterprise: Enterprise, year: int) -> dict[str, Decimal]:
    """Permitted annual loads of the enterprise's permit valid in ``year`` (latest first), per pollutant."""
    out: dict[str, Decimal] = {}
    rows = limits_in_force([enterprise.pk], dt.date(year, 12, 31)).filter(annual_load_t__isnull=False)
    for code, t in rows.values_list("pollutant_code", "annual_load_t"):
        out[code] = out.get(code, Decimal("0")) + t
    return out


def do_seed_baselines(enterprise: Enterprise, year: int, *, acting_user: Any) -> list[BaselineLoad]:
    """Baselines from the permit for the pollutants that have none yet in ``year``."""
    have = set(BaselineLoad.objects.filter(enterprise=enterprise, year=year).values_list("pollutant_code", flat=True))
    return [do_set_baseline(enterprise, acting_user=acting_user, pollutant_code=code, year=year, load_t=t,
                            source=BaselineSource.PERMIT, note=_("Permitted annual load"))
            for code, t in sorted(baselines_from_permit(enterprise, year).items()) if code not in have]


# ---- adjustments -----------------------------------------------------------------------------------

@transaction.atomic
def do_record_adjustment(enterprise: Enterprise, *, acting_user: Any, pollutant_code: str, delta_t: Any,
                         reason: str, date: dt.date | None = None) -> LedgerEntry:
    """Book an explained change of an enterprise's accounted load (negative frees capacity).

    The way capacity freed at an indirect discharger reaches the environment account: when its
    treatment plant discharges less, the office books the plant's reduction here.
    """
    _require(acting_user, enterprise.park_id)
    code = _code(pollutant_code)
    try:
        delta = Decimal(str(delta_t).strip()).quantize(PLACES)
    except (InvalidOperation, ValueError):
        raise ValidationError({"delta_t": _("Enter a number of tonnes per year.")}) from None
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    entry = LedgerEntry(park_id=enterprise.park_id, date=date or timezone.localdate(), kind=EntryKind.ADJUSTMENT,
                        enterprise=enterprise, pollutant_code=code, delta_t=delta, reason=reason.strip()[:300],
                        created_by_name=audit.user_name(acting_user))
    entry.full_clean()
    entry.save()
    audit.record("loads.ledger_entry", entry, acting_user=acting_user, related=enterprise,
                 after=audit.snapshot(entry))
    return entry


# ---- new projects ------------------------------------------------------------------------------------

def _loads(loads: dict[str, Any]) -> dict[str, Decimal]:
    out = {}
    for code, value in loads.items():
        if value in (None, ""):
            continue
        out[_code(code, "loads")] = tonnes(value, "loads")
    if not any(v > 0 for v in out.values()):
        raise ValidationError({"loads": _("Give the project's load of at least one pollutant.")})
    return out


@transaction.atomic
def do_propose_project(park: Park, *, acting_user: Any, name: str, applicant: str, loads: dict[str, Any],
                       description: str = "", proposed_on: dt.date | None = None) -> NewProject:
    _require(acting_user, park.pk)
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("Give the project a name.")
    elif NewProject.objects.filter(park=park, name=name.strip()).exists():
        errors["name"] = _("A project with this name already exists.")
    if not applicant.strip():
        errors["applicant"] = _("Name the applicant.")
    try:
        checked = _loads(loads)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    project = NewProject.objects.create(
        park=park, name=name.strip(), applicant=applicant.strip(), description=description.strip(),
        proposed_on=proposed_on or timezone.localdate(),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
    ProjectLoad.objects.bulk_create([ProjectLoad(project=project, pollutant_code=c, load_t=t)
                                     for c, t in sorted(checked.items())])
    audit.record("loads.propose_project", project, acting_user=acting_user,
                 after={**audit.snapshot(project), "loads": {c: str(t) for c, t in checked.items()}})
    return project


def _decide(project: NewProject, status: str, acting_user: Any, note: str, on: dt.date | None) -> None:
    moved = NewProject.objects.filter(pk=project.pk, status=ProjectStatus.PROPOSED).update(
        status=status, decided_on=on or timezone.localdate(), decided_by_name=audit.user_name(acting_user),
        decision_note=note.strip())
    if moved != 1:
        raise ValidationError(_("The project has already been decided."))
    project.refresh_from_db()
    audit.record(f"loads.{'approve' if status == ProjectStatus.APPROVED else 'reject'}_project", project,
                 acting_user=acting_user, before={"status": ProjectStatus.PROPOSED}, after={"status": status},
                 message=note.strip())


def do_approve_project(project: NewProject, *, acting_user: Any, note: str = "",
                       decided_on: dt.date | None = None) -> ledger.FitResult:
    """Approve a project whose loads fit the free capacity and book them in the ledger.

    Refused (ValidationError naming each short pollutant and its numbers) when it does not fit.
    The park row is locked so two approvals cannot both spend the same capacity.
    """
    _require(acting_user, project.park_id)
    with transaction.atomic():
        Park.objects.select_for_update().filter(pk=project.park_id).first()
        result = ledger.fits_loads(project.park_id, {pl.pollutant_code: pl.load_t for pl in project.loads.all()})
        if not result.ok:
            raise ValidationError(_("The project does not fit the free environmental capacity: %(detail)s.")
                                  % {"detail": result.shortfall_text()}, code="no_capacity")
        _decide(project, ProjectStatus.APPROVED, acting_user, note, decided_on)
        for row in result.rows:
            if row.load <= 0:
                continue
            entry = LedgerEntry(park_id=project.park_id, date=project.decided_on, kind=EntryKind.NEW_PROJECT,
                                project=project, pollutant_code=row.code, delta_t=row.load,
                                reason=(_("New project approved: %(name)s (%(applicant)s)") % {
                                    "name": project.name, "applicant": project.applicant})[:300],
                                created_by_name=audit.user_name(acting_user))
            entry.full_clean()
            entry.save()
            audit.record("loads.ledger_entry", entry, acting_user=acting_user, related=project,
                         after=audit.snapshot(entry))
    return result


@transaction.atomic
def do_reject_project(project: NewProject, *, acting_user: Any, note: str,
                      decided_on: dt.date | None = None) -> None:
    _require(acting_user, project.park_id)
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the rejection.")})
    _decide(project, ProjectStatus.REJECTED, acting_user, note, decided_on)


# ---- rebound flags ---------------------------------------------------------------------------------

@transaction.atomic
def do_close_rebound_flag(flag: ReboundFlag, *, acting_user: Any, note: str) -> ReboundFlag:
    _require(acting_user, flag.park_id)
    if not note.strip():
        raise ValidationError({"note": _("Say why the flag can be closed.")})
    moved = ReboundFlag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
        status=FlagStatus.CLOSED, closed_at=timezone.now(), closed_by_name=audit.user_name(acting_user),
        close_note=note.strip())
    if moved != 1:
        raise ValidationError(_("The flag is already closed."))
    flag.refresh_from_db()
    audit.record("loads.close_rebound_flag", flag, acting_user=acting_user, before={"status": FlagStatus.OPEN},
                 after={"status": FlagStatus.CLOSED}, message=note.strip())
    return flag
