"""Every change to patrols, findings, patrol plans and random draws.

Each ``do_*`` checks who may act (PermissionDenied / TransitionError) and the input
(``ValidationError`` keyed by field, in the user's language), then writes in one
transaction with its audit entry, and notifies on commit. Views, the API, the
worker and the demo seeder call these; nothing else saves these models.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import attachments, audit, workflow
from qingyuan.core.notify import notify
from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections import draw as drawing
from qingyuan.inspections import validators
from qingyuan.inspections.access import can_draw_in, can_record_in, manages_park, patrol_roles
from qingyuan.inspections.choices import PatrolKind, Severity
from qingyuan.inspections.frequency import patrol_interval
from qingyuan.inspections.models import DrawItem, Finding, Patrol, PatrolPlan, RandomDraw
from qingyuan.inspections.services import recent_pressures
from qingyuan.inspections.workflow import FINDINGS
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership, Park, Unit

User = get_user_model()
DEADLINE_DAYS = {Severity.MINOR: 30, Severity.SERIOUS: 15, Severity.SEVERE: 7}
PRIORITY = {Severity.MINOR: "normal", Severity.SERIOUS: "urgent", Severity.SEVERE: "critical"}


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def inspectors_of(park: Park) -> models.QuerySet:
    """Active users with the inspector role in the park: the draw's inspector pool."""
    return User.objects.filter(
        is_active=True, memberships__park=park, memberships__role=Role.INSPECTOR, memberships__is_active=True,
    ).distinct().select_related("person").order_by("pk")


# ---- patrols ----------------------------------------------------------------------------------

def do_record_patrol(
    *, enterprise: Enterprise, acting_user: Any, started_at: dt.datetime | None, finished_at: dt.datetime | None,
    checklist_key: str, checklist: dict[str, Any], kind: str = PatrolKind.PLANNED, notes: str = "",
    internal_notes: str = "", latitude: Any = None, longitude: Any = None, gps_accuracy_m: Any = None,
    gps_at: dt.datetime | None = None, co_inspectors: Iterable[Any] = (), findings: Sequence[dict[str, Any]] = (),
    photos: Sequence[Any] = (), draw_item: DrawItem | None = None, client_id: uuid.UUID | None = None,
    backdated: bool = False,
) -> Patrol:
    """Record a patrol with its checklist, position, findings and photos; all or nothing.

    ``client_id`` is the form's identifier: a phone that sends the same form twice (the
    answer was lost with the signal) gets the patrol recorded the first time.
    ``backdated`` lifts the 7-day age limit for paper records entered later (the demo).
    """
    if not can_record_in(acting_user, enterprise.park_id):
        raise PermissionDenied
    if client_id is not None:
        earlier = Patrol.objects.filter(client_id=client_id).first()
        if earlier is not None:
            if earlier.recorded_by_id != acting_user.pk:
                raise ValidationError({"client_id": [_("This form was already sent by someone else.")]})
            return earlier
    errors: dict[str, list[str]] = {}
    if kind not in PatrolKind.values:
        errors["kind"] = [_("Unknown kind of patrol.")]
    position_errors, position = validators.position(latitude, longitude, gps_accuracy_m, enterprise.park)
    checklist_errors, answers = validators.checklist_answers(checklist_key, checklist)
    finding_errors, finding_rows = validators.findings(list(findings), checklist_key)
    photo_errors, checked_photos = validators.photos(photos)
    for part in (position_errors, validators.times(started_at, finished_at, backdated=backdated), checklist_errors, finding_errors,
                 photo_errors):
        for key, messages in part.items():
            errors.setdefault(key, []).extend(messages)
    if len(notes or "") > validators.MAX_TEXT or len(internal_notes or "") > validators.MAX_TEXT:
        errors.setdefault("notes", []).append(_("At most %(n)d characters.") % {"n": validators.MAX_TEXT})
    team = {acting_user.pk: acting_user}
    if draw_item is not None:
        kind = PatrolKind.RANDOM
        if draw_item.enterprise_id != enterprise.pk:
            errors.setdefault("draw_item", []).append(_("The draw chose another enterprise."))
        elif acting_user.pk not in (draw_item.inspector_1_id, draw_item.inspector_2_id):
            errors.setdefault("draw_item", []).append(_("Only the two inspectors drawn may answer this draw."))
        elif Patrol.objects.filter(draw_item=draw_item).exists():
            errors.setdefault("draw_item", []).append(_("This draw has already been answered by a patrol."))
        team.update({u.pk: u for u in (draw_item.inspector_1, draw_item.inspector_2)})
    allowed = set(inspectors_of(enterprise.park).values_list("pk", flat=True))
    for user in co_inspectors:
        if user.pk not in allowed:
            errors.setdefault("co_inspectors", []).append(_("%(name)s is not an inspector of this park.")
                                                          % {"name": audit.user_name(user)})
        team[user.pk] = user
    _raise(errors)
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                park=enterprise.park, enterprise=enterprise, kind=kind, draw_item=draw_item,
                recorded_by=acting_user, recorded_by_name=audit.user_name(acting_user),
                started_at=started_at, finished_at=finished_at, gps_at=gps_at if position["latitude"] else None,
                checklist_key=checklist_key, checklist=answers, notes=(notes or "").strip(),
                internal_notes=(internal_notes or "").strip(), client_id=client_id, **position)
            patrol.inspectors.set(list(team.values()))
            created = Finding.objects.bulk_create(Finding(patrol=patrol, **row) for row in finding_rows)
            stored = [attachments.store(patrol, upload, uploaded_by=acting_user, kind=kind_, purpose="photo")
                      for upload, kind_ in checked_photos]
            _patrol_done(enterprise, timezone.localtime(started_at).date())
            after = audit.snapshot(patrol)
            after.update(inspectors=sorted(team), findings=[f.text for f in created],
                         photos=[a.pk for a in stored])
            audit.record("patrol.create", patrol, acting_user=acting_user, related=enterprise, after=after)
            if created:
                _tell_findings(patrol, len(created), acting_user)
    except IntegrityError:
        if client_id is not None and Patrol.objects.filter(client_id=client_id, recorded_by=acting_user).exists():
            return Patrol.objects.get(client_id=client_id)  # the same form, sent twice at the same moment
        raise
    return patrol


def _tell_findings(patrol: Patrol, count: int, acting_user: Any) -> None:
    e = patrol.enterprise
    officers = [m.user for m in Membership.objects.filter(
        unit_id=e.linked_unit_id, role=Role.UNIT_OFFICER, is_active=True).select_related("user")] \
        if e.linked_unit_id else []
    recipients = [*officers, e.linked_officer, *(a.user for a in e.accounts.select_related("user"))]
    notify([u for u in recipients if u is not None and u.pk != acting_user.pk], kind="patrol.findings",
           title=_("Patrol of %(name)s: %(n)d findings") % {"name": e.name, "n": count},
           url=patrol.get_absolute_url())


def _patrol_done(enterprise: Enterprise, day: dt.date) -> None:
    plan = PatrolPlan.objects.select_for_update().filter(enterprise=enterprise).first()
    if plan is None:
        refresh_plans([enterprise.pk])
        return
    if plan.last_patrol_on is None or day > plan.last_patrol_on:
        plan.last_patrol_on = day
        plan.next_due = day + dt.timedelta(days=plan.interval_days)
        plan.save(update_fields=["last_patrol_on", "next_due"])


# ---- findings ---------------------------------------------------------------------------------

def do_assign_finding(
    finding: Finding, *, acting_user: Any, unit: Unit | None = None, deadline: dt.date | None = None,
    requirements: str = "",
) -> Any:
    """Turn a finding into an assignment (through qingyuan.tasks) whose source is the finding.

    The unit defaults to the enterprise's linked unit. An inspector may not issue
    assignments in their own name, so the park's office issues it (``acting_user=None``
    for the tasks action) and this action's audit entry names the inspector.
    """
    from qingyuan.tasks.access import can_issue_in
    from qingyuan.tasks.actions import do_issue_assignment

    patrol = finding.patrol
    enterprise = patrol.enterprise
    roles = patrol_roles(acting_user, patrol)
    FINDINGS.check(finding.status, "assign", roles)
    unit = unit or enterprise.linked_unit
    if unit is None:
        raise ValidationError({"unit": [_("The enterprise has no linked unit; choose the unit to assign.")]})
    deadline = deadline or timezone.localdate() + dt.timedelta(days=DEADLINE_DAYS.get(finding.severity, 30))
    item = f"（{finding.checklist_label}）" if finding.checklist_item else ""
    with transaction.atomic():
        try:
            assignment = do_issue_assignment(
                park=patrol.park, assignee_unit=unit, acting_user=acting_user if can_issue_in(
                    acting_user, patrol.park_id) else None,
                subject=_("Patrol finding at %(name)s: %(text)s") % {"name": enterprise.name,
                                                                    "text": finding.text[:60]},
                requirements=(requirements or "").strip() or f"{finding.text}{item}",
                deadline=deadline, priority=PRIORITY.get(finding.severity, "normal"), enterprise=enterprise,
                source=finding, source_label=_("Patrol of %(name)s on %(date)s") % {
                    "name": enterprise.name, "date": timezone.localtime(patrol.started_at).date().isoformat()})
        except ValidationError as exc:
            messages = exc.message_dict
            if "assignee_unit" in messages:
                messages["unit"] = messages.pop("assignee_unit")
            raise ValidationError(messages) from None
        workflow.fire(FINDINGS, finding, "assign", roles=roles, acting_user=acting_user,
                      data={"assignment_id": assignment.pk, "unit_id": unit.pk},
                      extra_updates={"assignment": assignment})
    return assignment


def do_close_finding(finding: Finding, *, acting_user: Any, reason: str) -> Finding:
    workflow.fire(FINDINGS, finding, "close", roles=patrol_roles(acting_user, finding.patrol),
                  acting_user=acting_user, reason=reason)
    return finding


def do_reopen_finding(finding: Finding, *, acting_user: Any, reason: str) -> Finding:
    workflow.fire(FINDINGS, finding, "reopen", roles=patrol_roles(acting_user, finding.patrol),
                  acting_user=acting_user, reason=reason)
    return finding


# ---- patrol plans -----------------------------------------------------------------------------

def _last_patrols(ids: list[int]) -> dict[int, dt.date]:
    rows = Patrol.objects.filter(enterprise_id__in=ids).values("enterprise_id").annotate(
        last=models.Max("started_at")).order_by()
    return {r["enterprise_id"]: timezone.localtime(r["last"]).date() for r in rows}


def refresh_plans(enterprise_ids: Iterable[int], *, today: dt.date | None = None) -> int:
    """Create or recompute the plans of these enterprises; return how many intervals changed.

    Called by the actions below and by the worker step. A changed interval is audited
    (by the system); recomputing with the same result writes only ``computed_at``.
    """
    ids = list(enterprise_ids)
    today = today or timezone.localdate()
    now = timezone.now()
    enterprises = Enterprise.objects.filter(pk__in=ids).only("pk", "name", "risk_class", "status")
    pressures = recent_pressures(ids)
    lasts = _last_patrols(ids)
    changed = 0
    with transaction.atomic():
        plans = {p.enterprise_id: p for p in PatrolPlan.objects.select_for_update().filter(enterprise_id__in=ids)}
        for e in enterprises:
            days = patrol_interval(e.risk_class, e.status, pressures[e.pk])
            last = lasts.get(e.pk)
            plan = plans.get(e.pk)
            if plan is None:
                plan = PatrolPlan(enterprise=e, computed_days=days, pressure=pressures[e.pk], computed_at=now,
                                  last_patrol_on=last, next_due=today)
                plan.next_due = plan.due_from(last, today)
                plan.save()
                audit.record("patrol_plan.create", plan, acting_user=None, related=e, after=audit.snapshot(plan))
                changed += 1
                continue
            before = audit.snapshot(plan, ["computed_days", "pressure", "next_due", "last_patrol_on"])
            plan.computed_days, plan.pressure, plan.computed_at, plan.last_patrol_on = days, pressures[e.pk], now, last
            plan.next_due = plan.due_from(last, today) if last else plan.next_due
            plan.save()
            old, new = audit.changed(before, audit.snapshot(plan, before.keys()))
            if "computed_days" in new:
                changed += 1
                audit.record("patrol_plan.recompute", plan, acting_user=None, related=e, before=old, after=new)
    return changed


def do_refresh_plans(*, park: Park | None = None, acting_user: Any = None, today: dt.date | None = None) -> int:
    if acting_user is not None and park is not None and not manages_park(acting_user, park.pk):
        raise PermissionDenied
    qs = Enterprise.objects.all() if park is None else Enterprise.objects.filter(park=park)
    return refresh_plans(qs.values_list("pk", flat=True), today=today)


def do_override_plan(plan: PatrolPlan, *, acting_user: Any, days: int | None, reason: str = "") -> PatrolPlan:
    """Set (or with ``days=None`` clear) the office's own interval for an enterprise."""
    if not manages_park(acting_user, plan.enterprise.park_id):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if days is not None and not 1 <= days <= 365:
        errors["days"] = [_("The interval must be between 1 and 365 days.")]
    if days is not None and not (reason or "").strip():
        errors["reason"] = [_("Give a reason for setting the interval by hand.")]
    _raise(errors)
    with transaction.atomic():
        plan = PatrolPlan.objects.select_for_update().get(pk=plan.pk)
        before = audit.snapshot(plan, ["override_days", "override_reason", "next_due"])
        plan.override_days, plan.override_reason = days, (reason or "").strip()[:200] if days else ""
        if plan.last_patrol_on:
            plan.next_due = plan.due_from(plan.last_patrol_on, timezone.localdate())
        plan.save()
        old, new = audit.changed(before, audit.snapshot(plan, before.keys()))
        audit.record("patrol_plan.override", plan, acting_user=acting_user, related=plan.enterprise,
                     before=old, after=new, message=plan.override_reason)
    return plan


# ---- random draws -----------------------------------------------------------------------------

def enterprise_pool(park: Park, *, risk_classes: Sequence[str] = (), industries: Sequence[str] = (),
                    statuses: Sequence[str] = ()) -> list[int]:
    qs = Enterprise.objects.filter(park=park)
    if risk_classes:
        qs = qs.filter(risk_class__in=risk_classes)
    if industries:
        qs = qs.filter(industry__in=industries)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def do_draw(
    *, park: Park, acting_user: Any, sample_size: int, deadline: dt.date, title: str = "",
    risk_classes: Sequence[str] = (), industries: Sequence[str] = (), statuses: Sequence[str] = (),
    inspector_ids: Sequence[int] | None = None,
) -> RandomDraw:
    """Draw enterprises and a pair of inspectors for each, with a fresh seed nobody chooses."""
    if not can_draw_in(acting_user, park.pk):
        raise PermissionDenied
    today = timezone.localdate()
    enterprises = enterprise_pool(park, risk_classes=risk_classes, industries=industries, statuses=statuses)
    pool = list(inspectors_of(park).values_list("pk", flat=True))
    if inspector_ids is not None:
        outside = set(inspector_ids) - set(pool)
        pool = [pk for pk in pool if pk in set(inspector_ids)]
    errors: dict[str, list[str]] = {}
    if inspector_ids is not None and outside:
        errors["inspectors"] = [_("Only inspectors of this park can be in the pool.")]
    if len(pool) < drawing.PAIR:
        errors.setdefault("inspectors", []).append(_("The inspector pool needs at least two inspectors."))
    if not enterprises:
        errors["sample_size"] = [_("No enterprise matches the filters.")]
    elif not 1 <= sample_size <= len(enterprises):
        errors["sample_size"] = [_("Draw between 1 and %(n)d enterprises (the size of the pool).")
                                 % {"n": len(enterprises)}]
    if deadline is None or deadline < today:
        errors["deadline"] = [_("The patrols cannot be due before today.")]
    _raise(errors)
    seed = drawing.new_seed()
    result = drawing.run(seed, enterprises, pool, sample_size)
    with transaction.atomic():
        d = RandomDraw.objects.create(
            park=park, title=(title or "").strip()[:100] or _("Random inspection %(date)s") % {"date": today},
            drawn_on=today, deadline=deadline,
            filters={"risk_class": sorted(risk_classes), "industry": sorted(industries), "status": sorted(statuses)},
            enterprise_pool=drawing.canonical(enterprises), inspector_pool=drawing.canonical(pool),
            sample_size=sample_size, seed=seed, algorithm=drawing.ALGORITHM,
            drawn_by=acting_user, drawn_by_name=audit.user_name(acting_user))
        items = DrawItem.objects.bulk_create(
            DrawItem(draw=d, position=i, enterprise_id=r.enterprise_id, inspector_1_id=r.inspector_ids[0],
                     inspector_2_id=r.inspector_ids[1]) for i, r in enumerate(result))
        after = audit.snapshot(d)
        after["result"] = [[r.enterprise_id, *r.inspector_ids] for r in result]
        audit.record("random_draw.create", d, acting_user=acting_user, after=after)
        names = dict(Enterprise.objects.filter(pk__in=[i.enterprise_id for i in items]).values_list("pk", "name"))
        for user in User.objects.filter(pk__in={pk for r in result for pk in r.inspector_ids}):
            mine = [names[r.enterprise_id] for r in result if user.pk in r.inspector_ids]
            notify([user] if user.pk != acting_user.pk else [], kind="patrol.drawn",
                   title=_("Random inspection: %(names)s") % {"names": "、".join(mine)},
                   body=_("Patrol by %(date)s.") % {"date": deadline.isoformat()}, url=d.get_absolute_url())
    return d


def do_publish_draw(d: RandomDraw, *, acting_user: Any) -> RandomDraw:
    if not manages_park(acting_user, d.park_id):
        raise PermissionDenied
    with transaction.atomic():
        now = timezone.now()
        if not RandomDraw.objects.filter(pk=d.pk, published=False).update(published=True, published_at=now):
            return d  # published already (perhaps by someone else a moment ago)
        d.published, d.published_at = True, now
        audit.record("random_draw.publish", d, acting_user=acting_user, before={"published": False},
                     after={"published": True})
    return d
