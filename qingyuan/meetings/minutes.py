"""Minutes (会议纪要), decisions (议定事项) and what becomes of them.

The office records the minutes per agenda item and the decisions; the chair approves, which
opens one assignment per decision in the same transaction (``do_approve_minutes``); the office
issues the minutes with the next number of the park's year (纪要〔2026〕第N号). Issued minutes
are never edited: a correction states its reason and is audited (``do_correct_minutes``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingyuan.core import audit, bulk
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError, fire
from qingyuan.meetings import status
from qingyuan.meetings.access import meeting_roles
from qingyuan.meetings.choices import ItemKind, MeetingStatus, MinutesStatus
from qingyuan.meetings.models import AgendaItem, Correction, Decision, Meeting, MinutesReceipt, ReviewEntry
from qingyuan.meetings.workflow import MINUTES, OFFICE, decision_problems
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Membership, Park, Unit
from qingyuan.tasks.actions import do_issue_assignment

LOCKED = gettext_lazy("The minutes are no longer a draft; issued minutes change only by a correction with its reason.")


def _office(meeting: Meeting, acting_user: Any) -> None:
    if OFFICE not in meeting_roles(acting_user, meeting):
        raise PermissionDenied


def _draft(meeting: Meeting) -> None:
    if meeting.minutes_status != MinutesStatus.DRAFT:
        raise TransitionError(str(LOCKED), code="locked")


def do_record_minutes(item: AgendaItem, *, text: str, acting_user: Any) -> bool:
    _office(item.meeting, acting_user)
    _draft(item.meeting)
    with transaction.atomic():
        return audit.update(item, {"minutes": text.strip()}, editable={"minutes"}, action="meeting.minutes",
                            acting_user=acting_user, related=item.meeting)


def _decision_errors(meeting: Meeting, serial: int, text: str, unit: Unit | None, co_units: list[Unit],
                     deadline: dt.date | None) -> dict[str, str]:
    short = text if len(text) <= 40 else text[:40] + "…"
    named = {"n": serial, "text": short}
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Write what the meeting decided.")
    if unit is None:
        errors["responsible_unit"] = _("Decision %(n)s “%(text)s” has no responsible unit.") % named
    elif unit.park_id != meeting.park_id or unit.kind in (UnitKind.LEADING_GROUP, UnitKind.OFFICE):
        errors["responsible_unit"] = _("Decision %(n)s “%(text)s”: the responsible unit must be a member unit "
                                       "of the park.") % named
    if deadline is None:
        errors["deadline"] = _("Decision %(n)s “%(text)s” has no deadline.") % named
    if any(u.park_id != meeting.park_id or (unit is not None and u.pk == unit.pk) for u in co_units):
        errors["co_units"] = _("Co-units are other units of the park than the responsible unit.")
    return errors


def do_record_decision(item: AgendaItem, *, text: str, responsible_unit: Unit | None, deadline: dt.date | None,
                       acting_user: Any, co_units: Iterable[Unit] = (), expected_result: str = "") -> Decision:
    """A decision of this item; refused, naming it, without a responsible unit or a deadline."""
    meeting = item.meeting
    _office(meeting, acting_user)
    _draft(meeting)
    co = list(co_units)
    text = (text or "").strip()
    with transaction.atomic():
        serial = (meeting.decisions.aggregate(m=Max("serial"))["m"] or 0) + 1
        errors = _decision_errors(meeting, serial, text, responsible_unit, co, deadline)
        if errors:
            raise ValidationError(errors)
        d = Decision.objects.create(meeting=meeting, item=item, serial=serial, text=text, deadline=deadline,
                                    responsible_unit=responsible_unit, expected_result=(expected_result or "").strip())
        d.co_units.set(co)
        audit.record("meeting.decision", d, acting_user=acting_user, related=meeting,
                     after={**audit.snapshot(d), "co_units": sorted(u.pk for u in co)})
    return d


def do_remove_decision(decision: Decision, *, acting_user: Any) -> None:
    _office(decision.meeting, acting_user)
    _draft(decision.meeting)
    with transaction.atomic():
        audit.record("meeting.remove_decision", decision.meeting, acting_user=acting_user,
                     before=audit.snapshot(decision))
        decision.delete()


def do_fire_minutes(meeting: Meeting, name: str, *, acting_user: Any, reason: str = "") -> None:
    if name == "approve":
        do_approve_minutes(meeting, acting_user=acting_user)
    elif name == "issue":
        do_issue_minutes(meeting, acting_user=acting_user)
    else:
        roles = meeting_roles(acting_user, meeting)
        MINUTES.check(meeting.minutes_status, name, roles, reason=reason)
        why = MINUTES.refusal(meeting, name)
        if why:
            raise TransitionError(why, code="guard")
        fire(MINUTES, meeting, name, roles=roles, acting_user=acting_user, reason=reason)


def do_approve_minutes(meeting: Meeting, *, acting_user: Any, issued_on: dt.date | None = None) -> list[Any]:
    """The chair approves: in one audited transaction the minutes move to approved and every decision
    opens an assignment to its responsible unit, its source the decision. ``issued_on`` records
    minutes approved on paper earlier (the demo); the assignments carry that date."""
    roles = meeting_roles(acting_user, meeting)
    MINUTES.check(meeting.minutes_status, "approve", roles)
    problems = decision_problems(meeting)
    if meeting.status != MeetingStatus.HELD:
        problems.insert(0, _("Minutes are submitted after the meeting has been held."))
    day = issued_on or timezone.localdate()
    decisions = list(meeting.decisions.select_related("responsible_unit", "item").prefetch_related("co_units"))
    problems += [_("Decision %(n)s “%(text)s”: its deadline %(d)s has passed.")
                 % {"n": d.serial, "text": d.short, "d": d.deadline.isoformat()}
                 for d in decisions if d.deadline is not None and d.deadline < day]
    if problems:
        raise TransitionError(" ".join(problems), code="decisions")
    opened = []
    with transaction.atomic():
        fire(MINUTES, meeting, "approve", roles=roles, acting_user=acting_user,
             extra_updates={"approved_at": _moment(issued_on) if issued_on else timezone.now(),
                            "approved_by_name": audit.user_name(acting_user)},
             data={"decisions": len(decisions)})
        for d in decisions:
            a = do_issue_assignment(
                park=meeting.park, assignee_unit=d.responsible_unit, subject=_requirement_subject(meeting, d),
                requirements=_requirements(meeting, d), deadline=d.deadline, acting_user=acting_user,
                source=d, source_label=f"{meeting.title} 议定事项{d.serial}", issued_on=day)
            Decision.objects.filter(pk=d.pk).update(assignment=a)
            d.assignment = a
            audit.record("meeting.decision_assigned", d, acting_user=acting_user, related=a,
                         after={"assignment": a.pk, "number": a.number})
            opened.append(a)
    return opened


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0)))


def _requirement_subject(meeting: Meeting, d: Decision) -> str:
    return f"{meeting.title}议定事项{d.serial}：{d.short}"[:200]


def _requirements(meeting: Meeting, d: Decision) -> str:
    parts = [d.text]
    if d.expected_result:
        parts.append(_("Expected result: %(r)s") % {"r": d.expected_result})
    co = [u.name for u in d.co_units.all()]
    if co:
        parts.append(_("Co-units: %(u)s") % {"u": "、".join(co)})
    parts.append(_("Decided at %(m)s on %(d)s (agenda item: %(i)s).") % {
        "m": meeting.title, "d": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}", "i": d.item.title})
    return "\n".join(parts)


def do_issue_minutes(meeting: Meeting, *, acting_user: Any, issued_at: dt.datetime | None = None) -> None:
    """Issue approved minutes with the next number of the park's year (纪要〔2026〕第N号).

    ``issued_at`` records minutes issued on paper earlier (the demo); its year numbers them.

    The park row is locked while the number is taken; the unique constraint catches a race the lock
    cannot (SQLite), and the loser retries with the number after."""
    roles = meeting_roles(acting_user, meeting)
    MINUTES.check(meeting.minutes_status, "issue", roles)  # refused before approval, saying why
    now = issued_at or timezone.now()
    year = timezone.localdate(now).year
    for attempt in range(5):
        try:
            with transaction.atomic():
                Park.objects.select_for_update().filter(pk=meeting.park_id).first()
                last = Meeting.objects.filter(park_id=meeting.park_id, number_year=year).aggregate(
                    m=Max("serial"))["m"] or 0
                fire(MINUTES, meeting, "issue", roles=roles, acting_user=acting_user,
                     extra_updates={"number_year": year, "serial": last + 1, "issued_at": now},
                     data={"number": f"纪要〔{year}〕第{last + 1}号"})
            break
        except IntegrityError:
            meeting.minutes_status = MinutesStatus.APPROVED
            if attempt == 4:
                raise
    users = {i.user for i in meeting.invitations.select_related("user")}
    users |= {m.user for m in Membership.objects.filter(unit__in=meeting.invited_units.all(), is_active=True)
              .select_related("user")}
    notify(users, kind="meeting.minutes", title=_("Minutes issued: %(n)s %(t)s") % {
        "n": meeting.number, "t": meeting.title}, url=meeting.get_absolute_url())


def do_record_read(meeting: Meeting, *, acting_user: Any) -> MinutesReceipt | None:
    """The first time an invitee, or an officer of an invited unit, opens issued minutes: a read receipt."""
    if meeting.minutes_status != MinutesStatus.ISSUED or not getattr(acting_user, "is_authenticated", False):
        return None
    actor = actor_for(acting_user)
    invitation = meeting.invitations.filter(user=acting_user).first()
    units = set(meeting.invited_units.values_list("pk", flat=True)) & set(actor.unit_ids)
    if invitation is None and not units:
        return None
    unit_id = invitation.unit_id if invitation is not None and invitation.unit_id else (min(units) if units else None)
    with transaction.atomic():
        receipt, created = MinutesReceipt.objects.get_or_create(
            meeting=meeting, user=acting_user, defaults={"user_name": audit.user_name(acting_user), "unit_id": unit_id})
        if created:
            audit.record("meeting.read", meeting, acting_user=acting_user, after={"unit": unit_id})
    return receipt


CORRECTABLE = {"minutes": AgendaItem, "text": Decision, "expected_result": Decision}


def do_correct_minutes(meeting: Meeting, *, target: AgendaItem | Decision, field: str, new: str, reason: str,
                       acting_user: Any) -> Correction:
    """Correct issued minutes (an item's minutes, a decision's wording or expected result), with its reason."""
    _office(meeting, acting_user)
    if meeting.minutes_status != MinutesStatus.ISSUED:
        raise TransitionError(_("Only issued minutes are corrected; before, return them and edit the draft."),
                              code="state")
    if CORRECTABLE.get(field) is not type(target) or target.meeting_id != meeting.pk:
        raise ValidationError({"field": _("This part of the minutes cannot be corrected.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    old = getattr(target, field)
    if not new.strip() or new.strip() == old:
        raise ValidationError({"new": _("Write the corrected text.")})
    label = str(target) if isinstance(target, Decision) else _("Agenda item “%(t)s”") % {"t": target.title}
    with transaction.atomic():
        type(target).objects.filter(pk=target.pk).update(**{field: new.strip()})
        setattr(target, field, new.strip())
        c = Correction.objects.create(meeting=meeting, target=f"{label} · {field}"[:100], old=old, new=new.strip(),
                                      reason=reason.strip(), by_name=audit.user_name(acting_user))
        audit.record("meeting.correct", target, acting_user=acting_user, related=meeting, before={field: old},
                     after={field: new.strip()}, message=reason.strip())
    return c


def open_decisions_before(meeting: Meeting, today: dt.date) -> list[Decision]:
    """Every decision of the park's earlier meetings whose assignment is still open."""
    qs = (Decision.objects.filter(meeting__park_id=meeting.park_id, meeting__starts_at__lt=meeting.starts_at,
                                  assignment__isnull=False)
          .select_related("assignment", "meeting", "responsible_unit").order_by("meeting__starts_at", "serial"))
    return [d for d in qs if status.is_open(status.state_of(d, today))]


def do_carry_over(meeting: Meeting, *, acting_user: Any) -> AgendaItem:
    """Put every open decision of earlier meetings, with its status now, under a review item
    (“review of last meeting's decisions”) at the head of the agenda; run again, it adds only new ones."""
    _office(meeting, acting_user)
    _draft(meeting)
    today = timezone.localdate()
    with transaction.atomic():
        item = meeting.items.filter(kind=ItemKind.REVIEW).first()
        if item is None:
            item = AgendaItem.objects.create(meeting=meeting, order=0, kind=ItemKind.REVIEW,
                                             title=str(ItemKind.REVIEW.label), presenter="")
        have = set(item.reviews.values_list("decision_id", flat=True))
        new = [ReviewEntry(item=item, decision=d, state_then=status.state_of(d, today))
               for d in open_decisions_before(meeting, today) if d.pk not in have]
        bulk.create_under(item, new, action="meeting.carry_over", acting_user=acting_user, related=meeting,
                          after={"decisions": sorted(e.decision_id for e in new)})
    return item
