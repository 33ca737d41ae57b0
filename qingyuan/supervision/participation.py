"""Members joining patrols and acceptance inspections: invited by the office or on request approved by
the office; a member who took part signs the inspection record (typed name and time)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit, workflow
from qingyuan.core.notify import notify
from qingyuan.supervision import access
from qingyuan.supervision.actions import park_office
from qingyuan.supervision.choices import ParticipationStatus
from qingyuan.supervision.models import Member, Participation
from qingyuan.supervision.workflow import PARTICIPATIONS


def inspection_of(patrol: Any = None, acceptance: Any = None) -> tuple[int, Any, dict[str, Any]]:
    """(park id, day, the foreign key) of the patrol or acceptance."""
    if (patrol is None) == (acceptance is None):
        raise ValueError("a participation is about one patrol or one acceptance")
    if patrol is not None:
        return patrol.park_id, timezone.localdate(patrol.started_at), {"patrol": patrol}
    day = acceptance.inspection_date or timezone.localdate(acceptance.requested_at)
    return acceptance.plan.enterprise.park_id, day, {"acceptance": acceptance}


def _create(member: Member, status: str, acting_user: Any, note: str, patrol: Any, acceptance: Any) -> Participation:
    park_id, day, target = inspection_of(patrol, acceptance)
    if member.park_id != park_id:
        raise ValidationError({"member": _("The member belongs to another park's group.")})
    if not member.serves_on(timezone.localdate()):
        raise ValidationError({"member": _("The member's term does not cover today.")})
    try:
        with transaction.atomic():
            p = Participation.objects.create(park_id=park_id, member=member, day=day, status=status,
                                             note=(note or "").strip()[:300], **target)
    except IntegrityError:
        raise ValidationError({"member": _("%(name)s is already on this inspection's list.") % {
            "name": member.name}}) from None
    audit.record(f"participation.{status}", p, acting_user=acting_user, related=p.inspection,
                 after=audit.snapshot(p, ["member", "patrol", "acceptance", "day", "status", "note"]))
    return p


def do_invite_member(member: Member, *, acting_user: Any, patrol: Any = None, acceptance: Any = None,
                     note: str = "") -> Participation:
    """The office invites a member; the member is told and accepts or declines."""
    park_id, _day, _t = inspection_of(patrol, acceptance)
    if not access.manages(acting_user, park_id):
        raise PermissionDenied
    with transaction.atomic():
        p = _create(member, ParticipationStatus.INVITED, acting_user, note, patrol, acceptance)
        notify([member.user], kind="participation.invited",
               title=_("Invitation to take part in: %(what)s") % {"what": p.inspection},
               body=p.note, url=p.inspection_url)
    return p


def do_request_participation(member: Member, *, acting_user: Any, patrol: Any = None, acceptance: Any = None,
                             note: str = "") -> Participation:
    """A member asks to join; the office is told and approves or refuses."""
    if member.user_id != getattr(acting_user, "pk", None):
        raise PermissionDenied
    with transaction.atomic():
        p = _create(member, ParticipationStatus.REQUESTED, acting_user, note, patrol, acceptance)
        notify(park_office(p.park_id), kind="participation.requested",
               title=_("%(name)s asks to take part in: %(what)s") % {"name": member.name, "what": p.inspection},
               body=p.note, url=p.inspection_url)
    return p


def do_decide_participation(p: Participation, name: str, *, acting_user: Any, reason: str = "") -> Participation:
    """accept / decline (the member), approve / refuse (the office)."""
    with transaction.atomic():
        workflow.fire(PARTICIPATIONS, p, name, roles=access.participation_roles(acting_user, p),
                      acting_user=acting_user, reason=reason)
        label = ParticipationStatus(p.status).label
        if name in ("approve", "refuse"):
            notify([p.member.user], kind="participation.decided",
                   title=_("Your request to take part in %(what)s: %(status)s") % {"what": p.inspection,
                                                                                 "status": label},
                   body=reason.strip(), url=p.inspection_url)
        else:
            notify(park_office(p.park_id), kind="participation.decided",
                   title=_("%(name)s: %(status)s (%(what)s)") % {"name": p.member.name, "status": label,
                                                                "what": p.inspection},
                   body=reason.strip(), url=p.inspection_url)
    return p


def do_sign_participation(p: Participation, *, acting_user: Any, signature_name: str) -> Participation:
    """The member who took part signs the record with their typed name; the time is the server's."""
    if "member" not in access.participation_roles(acting_user, p):
        raise PermissionDenied
    errors = {}
    typed = (signature_name or "").strip()
    if p.status != ParticipationStatus.CONFIRMED:
        errors["signature_name"] = _("Only a member taking part signs the record.")
    elif p.signed_at is not None:
        errors["signature_name"] = _("The record is already signed.")
    elif typed != p.member.name:
        errors["signature_name"] = _("Type your name exactly as the group lists it: %(name)s.") % {
            "name": p.member.name}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        moved = Participation.objects.filter(pk=p.pk, signed_at__isnull=True,
                                             status=ParticipationStatus.CONFIRMED).update(
            signature_name=typed, signed_at=now)
        if moved != 1:
            raise ValidationError({"signature_name": _("The record is already signed.")})
        p.signature_name, p.signed_at = typed, now
        audit.record("participation.sign", p, acting_user=acting_user, related=p.inspection,
                     after={"signature_name": typed, "signed_at": now.isoformat()})
    return p
