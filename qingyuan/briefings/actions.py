"""Every change to a briefing: drafted, edited, submitted, approved, issued (numbered), read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.briefings import facts
from qingyuan.briefings.access import briefing_roles, can_draft
from qingyuan.briefings.choices import Status
from qingyuan.briefings.models import Briefing, BriefingSection, ReadReceipt
from qingyuan.briefings.workflow import BRIEFINGS
from qingyuan.core import audit, bulk
from qingyuan.core.workflow import fire
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park, Unit


def do_draft_briefing(park: Park, *, kind: str, start: dt.date, end: dt.date, title: str, acting_user: Any,
                      progress: Any = None) -> Briefing:
    """A draft with one section per fact group, drafted from the period's records (the slow part)."""
    if not can_draft(acting_user, park.pk):
        raise PermissionDenied
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    drafts = facts.gather(park, start, end, progress)
    with transaction.atomic():
        briefing = Briefing.objects.create(park=park, kind=kind, title=title, period_start=start, period_end=end,
                                           created_by=acting_user if acting_user.is_authenticated else None,
                                           created_by_name=audit.user_name(acting_user))
        bulk.create_under(
            briefing, [BriefingSection(briefing=briefing, key=d.key, heading=d.heading, order=i, text=d.text,
                                       figures=d.figures, evidence=d.evidence) for i, d in enumerate(drafts)],
            action="briefing.draft", acting_user=acting_user,
            after=lambda made: {"kind": kind, "period": [start, end], "title": title,
                                "sections": [s.key for s in made]})
    return briefing


def _require_editable(briefing: Briefing, user: Any) -> None:
    if "office" not in briefing_roles(user, briefing.park_id):
        raise PermissionDenied
    if briefing.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be edited; this briefing is “%(s)s”.")
                              % {"s": briefing.get_status_display()})


def do_edit_section(section: BriefingSection, *, text: str, acting_user: Any) -> bool:
    _require_editable(section.briefing, acting_user)
    with transaction.atomic():
        return audit.update(section, {"text": text.strip()}, editable={"text"}, action="briefing.edit_section",
                            acting_user=acting_user, related=section.briefing)


def do_set_recipients(briefing: Briefing, *, units: list[Unit], acting_user: Any) -> None:
    if "office" not in briefing_roles(acting_user, briefing.park_id) or briefing.status == Status.ISSUED:
        raise PermissionDenied
    if any(u.park_id != briefing.park_id for u in units):
        raise ValidationError(_("Recipients must be units of the briefing's park."))
    with transaction.atomic():
        before = sorted(briefing.recipients.values_list("pk", flat=True))
        briefing.recipients.set(units)
        audit.record("briefing.recipients", briefing, acting_user=acting_user, before={"recipients": before},
                     after={"recipients": sorted(u.pk for u in units)})


def _refuse_if_guarded(briefing: Briefing, name: str) -> None:
    from qingyuan.core.workflow import TransitionError

    why = BRIEFINGS.refusal(briefing, name)
    if why:
        raise TransitionError(why, code="guard")


def do_fire_briefing(briefing: Briefing, name: str, *, acting_user: Any, reason: str = "") -> None:
    """submit / return / approve; ``issue`` numbers the briefing (see do_issue_briefing)."""
    if name == "issue":
        return do_issue_briefing(briefing, acting_user=acting_user)
    extra = {"approved_at": timezone.now(), "approved_by_name": audit.user_name(acting_user)} if name == "approve" else {}
    _refuse_if_guarded(briefing, name)
    fire(BRIEFINGS, briefing, name, roles=briefing_roles(acting_user, briefing.park_id), acting_user=acting_user,
         reason=reason, extra_updates=extra)
    return None


def do_issue_briefing(briefing: Briefing, *, acting_user: Any) -> None:
    """Issue an approved briefing with the next number of its park and year (清源简报〔2026〕第N期).

    The park row is locked while the next number is taken; the unique constraint catches a race
    the lock cannot (SQLite), and the loser retries with the number after.
    """
    roles = briefing_roles(acting_user, briefing.park_id)
    BRIEFINGS.check(briefing.status, "issue", roles)  # refused before approval, with the message saying why
    _refuse_if_guarded(briefing, "issue")
    now = timezone.now()
    year = timezone.localdate(now).year
    for attempt in range(5):
        try:
            with transaction.atomic():
                Park.objects.select_for_update().filter(pk=briefing.park_id).first()
                last = Briefing.objects.filter(park_id=briefing.park_id, number_year=year).aggregate(m=Max("serial"))["m"]
                fire(BRIEFINGS, briefing, "issue", roles=roles, acting_user=acting_user,
                     extra_updates={"number_year": year, "serial": (last or 0) + 1, "issued_at": now},
                     data={"number": f"清源简报〔{year}〕第{(last or 0) + 1}期"})
            break
        except IntegrityError:
            briefing.status = Status.APPROVED
            if attempt == 4:
                raise
    _notify_recipients(briefing, acting_user)


def _notify_recipients(briefing: Briefing, acting_user: Any) -> None:
    from qingyuan.core import notify
    from qingyuan.org.models import Membership

    users = {m.user for m in Membership.objects.filter(unit__in=briefing.recipients.all(), is_active=True)
             .select_related("user")}
    notify.notify(users, kind="briefing.issued", title=_("New work briefing: %(t)s") % {"t": str(briefing)},
                  url=briefing.get_absolute_url())


def do_record_read(briefing: Briefing, *, acting_user: Any) -> ReadReceipt | None:
    """The first time a reader of a recipient unit opens an issued briefing: a read receipt."""
    if briefing.status != Status.ISSUED or not acting_user.is_authenticated:
        return None
    units = set(briefing.recipients.values_list("pk", flat=True)) & set(actor_for(acting_user).unit_ids)
    if not units:
        return None
    with transaction.atomic():
        receipt, created = ReadReceipt.objects.get_or_create(
            briefing=briefing, user=acting_user,
            defaults={"user_name": audit.user_name(acting_user), "unit_id": min(units)})
        if created:
            audit.record("briefing.read", briefing, acting_user=acting_user, after={"unit": receipt.unit_id})
    return receipt
