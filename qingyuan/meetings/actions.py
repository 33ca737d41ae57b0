"""Every change to a meeting before its minutes: schedule, invite, notice, replies, sign-in, agenda.

Each ``do_*`` checks the rule first (a refusal raises ``TransitionError`` or ``ValidationError``
with the reason and changes nothing), then writes in one transaction with its audit entry and
the notifications (written on commit). Minutes and decisions are in ``qingyuan.meetings.minutes``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import attachments, audit, bulk
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError, fire
from qingyuan.meetings.access import INVITEE, can_schedule, meeting_roles
from qingyuan.meetings.choices import MeetingStatus, MinutesStatus, ReportKind, Response
from qingyuan.meetings.models import AgendaItem, Invitation, ItemReport, Meeting
from qingyuan.meetings.workflow import MEETINGS, OFFICE
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership, Park, Unit

SIGN_IN_SALT = "qingyuan.meetings.sign-in"
INVITED_ROLES = (Role.UNIT_OFFICER, Role.LEADER, Role.OFFICE_STAFF)


def _office(meeting: Meeting, acting_user: Any) -> None:
    if acting_user is not None and OFFICE not in meeting_roles(acting_user, meeting):
        raise PermissionDenied


def _refuse_if_guarded(meeting: Meeting, name: str) -> None:
    why = MEETINGS.refusal(meeting, name)
    if why:
        raise TransitionError(why, code="guard")


# ---- schedule and invite ---------------------------------------------------------------------------

FIELDS = ("kind", "title", "starts_at", "ends_at", "place", "chair", "notice", "sign_in_margin")


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


def do_schedule_meeting(park: Park, *, acting_user: Any, units: Iterable[Unit] = (), people: Iterable[Any] = (),
                        **fields: Any) -> Meeting:
    """A planned meeting with its invitees: every active officer, leader or staff member of each invited
    unit, and the people named. The notice goes out with ``do_fire_meeting(..., "send_notice")``."""
    if acting_user is not None and not can_schedule(acting_user, park.pk):
        raise PermissionDenied
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a meeting field: {sorted(unknown)}")
    _check_times(fields["starts_at"], fields["ends_at"])
    with transaction.atomic():
        meeting = Meeting(park=park, created_by=acting_user if getattr(acting_user, "is_authenticated", False)
                          else None, **fields)
        meeting.chair_name = audit.user_name(meeting.chair)
        meeting.full_clean()
        meeting.save()
        audit.record("meeting.schedule", meeting, acting_user=acting_user, after=audit.snapshot(meeting))
        do_invite(meeting, units=units, people=people, acting_user=acting_user)
    return meeting


def do_invite(meeting: Meeting, *, units: Iterable[Unit] = (), people: Iterable[Any] = (),
              acting_user: Any) -> list[Invitation]:
    """Add units and people; a unit brings its active members. Once the notice is out, the new invitees
    get it at once."""
    _office(meeting, acting_user)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED):
        raise TransitionError(_("Invitations can only change before the meeting is held."), code="state")
    units, people = list(units), list(people)
    if any(u.park_id != meeting.park_id for u in units):
        raise ValidationError({"units": _("Invite units of the meeting's park.")})
    members = Membership.objects.filter(park_id=meeting.park_id, is_active=True, user__is_active=True)
    if any(not members.filter(user=p).exists() for p in people):
        raise ValidationError({"people": _("Invite people of the meeting's park.")})
    wanted: dict[int, tuple[Any, int | None]] = {}
    for m in members.filter(unit__in=units, role__in=INVITED_ROLES).select_related("user"):
        wanted.setdefault(m.user_id, (m.user, m.unit_id))
    for p in people:
        unit_id = members.filter(user=p, unit__isnull=False).values_list("unit_id", flat=True).first()
        wanted.setdefault(p.pk, (p, unit_id))
    existing = set(meeting.invitations.values_list("user_id", flat=True))
    now = timezone.now()
    notified = meeting.status == MeetingStatus.NOTIFIED
    with transaction.atomic():
        meeting.invited_units.add(*units)
        invitations = [Invitation(meeting=meeting, user=user, user_name=audit.user_name(user), unit_id=unit_id,
                                  notified_at=now if notified else None)
                       for pk, (user, unit_id) in wanted.items() if pk not in existing]
        created: list[Invitation] = []
        if units or invitations:
            created = bulk.create_under(
                meeting, invitations, action="meeting.invite", acting_user=acting_user,
                after={"units": sorted(u.pk for u in units), "people": sorted(i.user_id for i in invitations)})
        if notified:
            _send_notice(meeting, [i.user for i in created])
    return created


def _send_notice(meeting: Meeting, users: list[Any]) -> None:
    local = timezone.localtime(meeting.starts_at)
    notify(users, kind="meeting.notice",
           title=_("Meeting notice: %(title)s, %(when)s, %(place)s")
           % {"title": meeting.title, "when": f"{local:%Y-%m-%d %H:%M}", "place": meeting.place},
           body=meeting.notice or _("Please reply whether you attend, send a deputy or are absent."),
           url=meeting.get_absolute_url())


def do_fire_meeting(meeting: Meeting, name: str, *, acting_user: Any, reason: str = "") -> None:
    """send_notice (one notice per invitee), hold, cancel (invitees told)."""
    roles = meeting_roles(acting_user, meeting) if acting_user is not None else frozenset({OFFICE})
    MEETINGS.check(meeting.status, name, roles, reason=reason)
    _refuse_if_guarded(meeting, name)
    with transaction.atomic():
        fire(MEETINGS, meeting, name, roles=roles, acting_user=acting_user, reason=reason)
        invitees = [i.user for i in meeting.invitations.select_related("user")]
        if name == "send_notice":
            meeting.invitations.update(notified_at=timezone.now())
            _send_notice(meeting, invitees)
        elif name == "cancel":
            notify(invitees, kind="meeting.notice", title=_("Meeting cancelled: %(t)s") % {"t": meeting.title},
                   body=reason, url=meeting.get_absolute_url())


# ---- replies and sign-in ---------------------------------------------------------------------------

def do_respond(invitation: Invitation, *, response: str, acting_user: Any, deputy_name: str = "",
               reason: str = "") -> Invitation:
    """The invitee replies: attend, send a deputy (named), or absent (with a reason)."""
    if acting_user is None or invitation.user_id != acting_user.pk:
        raise PermissionDenied
    if invitation.meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED):
        raise TransitionError(_("The meeting no longer takes replies."), code="state")
    errors = {}
    if response not in (Response.CONFIRMED, Response.DEPUTY, Response.ABSENT):
        errors["response"] = _("Choose attend, deputy or absent.")
    if response == Response.DEPUTY and not deputy_name.strip():
        errors["deputy_name"] = _("Name the deputy who attends in your place.")
    if response == Response.ABSENT and not reason.strip():
        errors["reason"] = _("Give the reason for your absence.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        audit.update(invitation, {
            "response": response, "deputy_name": deputy_name.strip() if response == Response.DEPUTY else "",
            "reason": reason.strip() if response == Response.ABSENT else "", "responded_at": timezone.now()},
            editable={"response", "deputy_name", "reason", "responded_at"}, action="meeting.respond",
            acting_user=acting_user, related=invitation.meeting)
    return invitation


def sign_in_token(meeting: Meeting) -> str:
    return signing.dumps({"m": meeting.pk}, salt=SIGN_IN_SALT)


def token_matches(meeting: Meeting, token: str) -> bool:
    try:
        return signing.loads(token, salt=SIGN_IN_SALT).get("m") == meeting.pk
    except (signing.BadSignature, AttributeError):
        return False


def sign_in_refusal(meeting: Meeting, user: Any, now: dt.datetime | None = None) -> str | None:
    """Why ``user`` cannot sign in now, or None."""
    now = now or timezone.now()
    if meeting.status not in (MeetingStatus.NOTIFIED, MeetingStatus.HELD):
        return _("This meeting takes no sign-in (%(s)s).") % {"s": meeting.get_status_display()}
    opens, closes = meeting.sign_in_window()
    if now < opens:
        return _("Sign-in opens at %(t)s.") % {"t": f"{timezone.localtime(opens):%Y-%m-%d %H:%M}"}
    if now > closes:
        return _("Sign-in closed at %(t)s.") % {"t": f"{timezone.localtime(closes):%Y-%m-%d %H:%M}"}
    if INVITEE not in meeting_roles(user, meeting):
        return _("You are not invited to this meeting.")
    return None


def do_sign_in(meeting: Meeting, *, acting_user: Any, token: str) -> Invitation:
    """Sign in from the QR code shown in the room: invited, within the window, the token of this meeting."""
    if not token_matches(meeting, token):
        raise TransitionError(_("This sign-in code is not valid for this meeting."), code="token")
    why = sign_in_refusal(meeting, acting_user)
    if why:
        raise TransitionError(why, code="sign_in")
    invitation = meeting.invitations.get(user=acting_user)
    if invitation.signed_in_at:
        return invitation
    who = invitation.deputy_name if invitation.response == Response.DEPUTY else invitation.user_name
    with transaction.atomic():
        audit.update(invitation, {"signed_in_at": timezone.now(), "signed_in_by": who},
                     editable={"signed_in_at", "signed_in_by"}, action="meeting.sign_in", acting_user=acting_user,
                     related=meeting)
    return invitation


def do_record_presence(invitation: Invitation, *, acting_user: Any, present_as: str = "") -> Invitation:
    """The office records at the door someone who could not sign in by phone (a deputy without an account)."""
    meeting = invitation.meeting
    _office(meeting, acting_user)
    if meeting.status not in (MeetingStatus.NOTIFIED, MeetingStatus.HELD):
        raise TransitionError(_("This meeting takes no sign-in (%(s)s).") % {"s": meeting.get_status_display()},
                              code="state")
    with transaction.atomic():
        audit.update(invitation, {"signed_in_at": invitation.signed_in_at or timezone.now(),
                                  "signed_in_by": present_as.strip() or invitation.deputy_name or invitation.user_name},
                     editable={"signed_in_at", "signed_in_by"}, action="meeting.presence", acting_user=acting_user,
                     related=meeting)
    return invitation


# ---- agenda ----------------------------------------------------------------------------------------

def _agenda_open(meeting: Meeting) -> None:
    if meeting.minutes_status != MinutesStatus.DRAFT or meeting.status == MeetingStatus.CANCELLED:
        raise TransitionError(_("The agenda is closed once the minutes are submitted."), code="state")


def do_add_item(meeting: Meeting, *, title: str, acting_user: Any, presenter: str = "",
                starts_at: dt.time | None = None, **extra: Any) -> AgendaItem:
    _office(meeting, acting_user)
    _agenda_open(meeting)
    if not title.strip():
        raise ValidationError({"title": _("Give the agenda item a title.")})
    with transaction.atomic():
        last = meeting.items.order_by("-order").values_list("order", flat=True).first() or 0
        item = AgendaItem.objects.create(meeting=meeting, order=last + 1, title=title.strip(),
                                         presenter=presenter.strip(), starts_at=starts_at, **extra)
        audit.record("meeting.add_item", item, acting_user=acting_user, related=meeting, after=audit.snapshot(item))
    return item


def do_add_material(item: AgendaItem, *, upload: Any, acting_user: Any) -> Any:
    _office(item.meeting, acting_user)
    kind = attachments.validate_upload(upload)
    with transaction.atomic():
        att = attachments.store(item, upload, uploaded_by=acting_user, kind=kind, purpose="material")
        audit.record("meeting.material", item, acting_user=acting_user, related=item.meeting,
                     after={"attachment": att.pk, "name": att.name})
    return att


def do_attach_report(item: AgendaItem, *, kind: str, acting_user: Any, obj: Any = None) -> ItemReport:
    """Attach the latest briefing, an enterprise's page, or the cockpit snapshot of today (figures frozen)."""
    from qingyuan.meetings import reports

    meeting = item.meeting
    _office(meeting, acting_user)
    today = timezone.localdate()
    if kind == ReportKind.BRIEFING:
        obj = reports.latest_briefing(meeting.park_id)
        if obj is None:
            raise ValidationError({"kind": _("The park has no issued briefing yet.")})
        label, figures = str(obj), {}
    elif kind == ReportKind.ENTERPRISE:
        if obj is None or obj.park_id != meeting.park_id:
            raise ValidationError({"enterprise": _("Choose an enterprise of the meeting's park.")})
        label, figures = obj.name, {}
    elif kind == ReportKind.COCKPIT:
        label, figures = _("Cockpit snapshot of %(d)s") % {"d": today.isoformat()}, reports.cockpit_snapshot(
            meeting.park_id, today)
    else:
        raise ValidationError({"kind": _("Unknown report.")})
    with transaction.atomic():
        report = ItemReport.objects.create(item=item, kind=kind, object_id=getattr(obj, "pk", None), label=label[:200],
                                           day=today, figures=figures)
        audit.record("meeting.attach_report", item, acting_user=acting_user, related=meeting,
                     after={"kind": kind, "object": report.object_id, "label": report.label})
    return report


def invited_users(meeting: Meeting) -> list[Any]:
    return list(get_user_model().objects.filter(pk__in=meeting.invitations.values("user_id")))
