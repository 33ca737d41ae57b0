"""Every change to complaints: intake, acceptance and routing, handling, reply, rating, review, merge.

Each ``do_*`` checks the workflow rule first (a refusal raises ``TransitionError`` with
the reason and changes nothing), then the input (``ValidationError`` keyed by field),
then writes in one transaction: the state through ``workflow.fire`` (transition record
and audit entry), the content with its own audit entry, the complaint's assignment
through ``qingyuan.tasks.actions``, and the notifications and text messages, which are
written on commit. ``acting_user=None`` is the system; the complainant acts
anonymously with ``as_complainant=True``.

Personal data (name, phone) never goes into audit entries: they record whether a phone
was given, not the number.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingyuan.complaints import conf, geo, routing, sms
from qingyuan.complaints import deadlines as clocks
from qingyuan.complaints import duplicates as dupes
from qingyuan.complaints.access import can_register_in, complaint_roles
from qingyuan.complaints.choices import (
    OPEN_STATUSES,
    PHOTO,
    PUBLIC_PHOTO,
    CaseType,
    Category,
    Channel,
    Rating,
    ReviewLevel,
    RoutingBasis,
    Status,
)
from qingyuan.complaints.models import Complaint, ComplaintPolicy
from qingyuan.complaints.workflow import COMPLAINANT, COMPLAINTS, OFFICE, SYSTEM
from qingyuan.core import attachments, audit, workflow
from qingyuan.core.models import Attachment
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import Role, UnitKind
from qingyuan.org.models import Membership, Park, Unit
from qingyuan.tasks import actions as tasks
from qingyuan.tasks.choices import AssignmentStatus as A

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 10
PERSONAL = ("name", "phone", "phone_hash")
# Text messages, written in the platform's language whoever triggers them.
SMS_ACCEPTED = gettext_noop("Your complaint %(code)s was accepted and is handled by %(unit)s; reply due by %(date)s.")
SMS_NOT_ACCEPTED = gettext_noop("Your complaint %(code)s was not accepted: %(reason)s")
SMS_EXTENDED = gettext_noop("The handling of your complaint %(code)s was extended to %(date)s: %(reason)s")
SMS_REPLIED = gettext_noop("Your complaint %(code)s has a reply: %(reply)s")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,24}$")


# ---- small helpers -----------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_text(value: str | None) -> str:
    """Text is kept as written (it is always shown escaped), minus control characters."""
    return _CONTROL.sub("", value or "").strip()


def phone_hash(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    return salted_hmac("qingyuan.complaints.phone", digits[-11:], algorithm="sha256").hexdigest()


def public_snapshot(c: Complaint) -> dict[str, Any]:
    """The complaint's fields for an audit entry, without personal data."""
    data = audit.snapshot(c, [f.name for f in Complaint._meta.concrete_fields if f.name not in PERSONAL])
    data["has_phone"] = bool(c.phone)
    data["has_name"] = bool(c.name)
    return data


def roles_of(acting_user: Any, c: Complaint, *, as_complainant: bool = False) -> frozenset[str]:
    if as_complainant:
        return frozenset({COMPLAINANT})
    if acting_user is None:
        return frozenset({SYSTEM})
    return complaint_roles(acting_user, c)


def _check(c: Complaint, name: str, acting_user: Any, *, reason: str = "", as_complainant: bool = False
           ) -> frozenset[str]:
    roles = roles_of(acting_user, c, as_complainant=as_complainant)
    COMPLAINTS.check(c.status, name, roles, reason=reason)
    return roles


def _when(at: dt.datetime | None, c: Complaint | None = None) -> dt.datetime:
    """The time an event happened: now, or earlier for back-entered paper records and the demo."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    if c is not None and at < c.received_at:
        raise ValidationError({"at": _("The time cannot be before the complaint was received.")})
    return at


def _office_staff(park_id: int) -> list[Any]:
    return [m.user for m in Membership.objects.filter(park_id=park_id, role=Role.OFFICE_STAFF, is_active=True,
                                                      user__is_active=True).select_related("user")]


def _tell_office(c: Complaint, acting_user: Any, *, kind: str, title: str, body: str = "") -> None:
    me = getattr(acting_user, "pk", None)
    notify([u for u in _office_staff(c.park_id) if u.pk != me], kind=kind, title=title, body=body,
           url=c.get_absolute_url())


def _text(template: str, **values: Any) -> str:
    """A text message in the platform's language, whoever triggered it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(template) % values


def _followers(c: Complaint) -> list[Complaint]:
    """The case and every complaint merged into it: all of them hear about the case."""
    return [c, *Complaint.objects.filter(merged_into=c)]


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


# ---- intake ------------------------------------------------------------------------------------

def _validate_place(park: Park, policy: ComplaintPolicy, longitude: Any, latitude: Any, errors: dict[str, Any]
                    ) -> tuple[float | None, float | None]:
    if longitude in (None, "") and latitude in (None, ""):
        return None, None
    try:
        lon, lat = float(longitude), float(latitude)
    except (TypeError, ValueError):
        errors["longitude"] = _("Give both longitude and latitude, as numbers.")
        return None, None
    if not geo.in_china(lon, lat):
        errors["longitude"] = _("The place picked is outside China. Pick the place on the map again.")
        return None, None
    distance = geo.distance_to_park_m(park, lon, lat)
    if distance is not None and distance > policy.max_distance_km * 1000:
        errors["longitude"] = _(
            "The place picked is %(km).0f km from %(park)s; this platform takes complaints within %(max)d km. "
            "For other places call the 12369 hotline.") % {
            "km": distance / 1000, "park": park.name, "max": policy.max_distance_km}
        return None, None
    return round(lon, 6), round(lat, 6)


def _validate_photos(photos: Sequence[Any], errors: dict[str, Any]) -> list[tuple[Any, attachments.FileKind]]:
    if len(photos) > conf.MAX_PHOTOS:
        errors["photos"] = _("At most %(n)d photos.") % {"n": conf.MAX_PHOTOS}
        return []
    checked, problems = [], []
    max_bytes = conf.get("QINGYUAN_COMPLAINT_PHOTO_MAX_MB") * 1024 * 1024
    for upload in photos:
        try:
            checked.append((upload, attachments.validate_upload(upload, allowed=attachments.IMAGE_KINDS,
                                                                max_bytes=max_bytes)))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        errors["photos"] = problems
    return checked


def _create(*, park: Park, acting_user: Any, fields: dict[str, Any], photos: Sequence[Any]) -> Complaint:
    policy = ComplaintPolicy.for_park(park)
    errors: dict[str, Any] = {}
    description = clean_text(fields.get("description"))
    address = clean_text(fields.get("address"))[:200]
    name = clean_text(fields.get("name"))[:50]
    phone = clean_text(fields.get("phone"))[:30]
    category = fields.get("category")
    enterprise: Enterprise | None = fields.get("enterprise")
    if category not in Category.values:
        errors["category"] = _("Choose what kind of pollution it is.")
    if not description:
        errors["description"] = _("Describe what you saw, smelled or heard.")
    elif len(description) > 2000:
        errors["description"] = _("Keep the description under 2,000 characters.")
    if phone and not _PHONE.match(phone):
        errors["phone"] = _("This does not look like a phone number.")
    if enterprise is not None and enterprise.park_id != park.pk:
        errors["enterprise"] = _("The enterprise must be one of the park's enterprises.")
    lon, lat = _validate_place(park, policy, fields.get("longitude"), fields.get("latitude"), errors)
    if not address and lon is None and enterprise is None and "longitude" not in errors:
        errors["address"] = _("Say where: pick the place on the map, type an address or choose the enterprise.")
    received_at = fields.get("received_at") or timezone.now()
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = _("The time cannot be in the future.")
    observed_at = fields.get("observed_at")
    if observed_at is not None and observed_at > received_at + dt.timedelta(minutes=5):
        errors["observed_at"] = _("The time observed cannot be in the future.")
    checked = _validate_photos(photos, errors)
    _raise(errors)
    case_type = fields.get("case_type") or CaseType.COMPLAINT
    received_on = timezone.localdate(received_at)
    route = routing.route(park, category=category, enterprise=enterprise, longitude=lon, latitude=lat,
                          policy=policy)
    township = fields.get("township") or _township(enterprise, route)
    values = dict(
        park=park, case_type=case_type, channel=fields.get("channel") or Channel.ONLINE, category=category,
        description=description, address=address, longitude=lon, latitude=lat, place_cell=geo.cell(lon, lat),
        enterprise=enterprise, township=township, observed_at=observed_at, received_at=received_at, received_on=received_on,
        year=received_on.year, month=received_on.month, name=name, phone=phone, phone_hash=phone_hash(phone),
        trackable=fields.get("trackable", True), status=Status.RECEIVED,
        suggested_unit=None if route.is_triage else route.unit, routing_basis=route.basis,
        accept_deadline=clocks.acceptance_deadline(received_on, policy.clocks_for(case_type)),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    with transaction.atomic():
        c = _insert_with_code(values)
        for upload, kind in checked:
            attachments.store(c, upload, uploaded_by=acting_user, kind=kind, purpose=PHOTO)
        audit.record("complaint.submit" if acting_user is None else "complaint.register", c,
                     acting_user=acting_user, after={**public_snapshot(c), "photos": len(checked)})
        _tell_office(c, acting_user, kind="complaint.received",
                     title=_("New %(type)s %(code)s: %(category)s") % {
                         "type": c.get_case_type_display(), "code": c.code, "category": c.get_category_display()},
                     body=c.description[:300])
        _maybe_accept(c, acting_user, route, policy)
    return c


def _insert_with_code(values: dict[str, Any]) -> Complaint:
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Complaint.objects.create(code=new_code(), **values)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _township(enterprise: Enterprise | None, route: routing.Route) -> Unit | None:
    for unit in (enterprise.linked_unit if enterprise else None, route.unit):
        if unit is not None and unit.kind == UnitKind.TOWNSHIP:
            return unit
    return None


def _maybe_accept(c: Complaint, acting_user: Any, route: routing.Route, policy: ComplaintPolicy) -> None:
    """Accept at once when routing found a member unit and nothing looks like a duplicate.

    Petitions always wait for the office: whether a petition is accepted is a decision (信访工作条例 Art. 22).
    """
    if c.case_type == CaseType.PETITION:
        return
    if route.is_triage or route.unit is None or not policy.auto_accept or route.unit.kind == UnitKind.OFFICE:
        return
    if dupes.for_complaint(c, policy):
        return
    do_accept_complaint(c, unit=route.unit, acting_user=acting_user, basis=route.basis, at=c.received_at)


def do_submit_complaint(*, park: Park, category: str, description: str, address: str = "",
                        longitude: Any = None, latitude: Any = None, enterprise: Enterprise | None = None,
                        observed_at: dt.datetime | None = None, name: str = "", phone: str = "",
                        photos: Sequence[Any] = (), received_at: dt.datetime | None = None) -> Complaint:
    """A citizen's complaint from the public form or the public API (no account).

    ``received_at`` is for imports and the demo only; the pages and the API never pass it.
    """
    return _create(park=park, acting_user=None, photos=photos, fields=dict(
        category=category, description=description, address=address, longitude=longitude, latitude=latitude,
        enterprise=enterprise, observed_at=observed_at, name=name, phone=phone, channel=Channel.ONLINE,
        case_type=CaseType.COMPLAINT, received_at=received_at))


def do_register_complaint(*, park: Park, acting_user: Any, channel: str, case_type: str, category: str,
                          description: str, received_at: dt.datetime | None = None, photos: Sequence[Any] = (),
                          **fields: Any) -> Complaint:
    """Staff intake: a 12369 call, a letter, a visit, a transfer, or a petition (信访)."""
    if not can_register_in(acting_user, park.pk):
        raise PermissionDenied
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = _("Choose the channel.")
    if case_type not in CaseType.values:
        errors["case_type"] = _("Choose the case type.")
    township = fields.get("township")
    if township is not None and (township.park_id != park.pk or township.kind != UnitKind.TOWNSHIP):
        errors["township"] = _("Choose one of the park's townships.")
    _raise(errors)
    return _create(park=park, acting_user=acting_user, photos=photos, fields=dict(
        fields, channel=channel, case_type=case_type, category=category, description=description,
        received_at=received_at))


# ---- acceptance and routing (the office) --------------------------------------------------------

def _unit_error(c: Complaint, unit: Unit | None) -> str | None:
    if unit is None:
        return _("Choose the unit that will handle it.")
    if unit.park_id != c.park_id or not unit.is_active:
        return _("The unit must be an active unit of the complaint's park.")
    if unit.kind in (UnitKind.OFFICE, UnitKind.LEADING_GROUP):
        return _("Complaints are handled by member units, not by the office or the leading group.")
    return None


def _subject(c: Complaint) -> str:
    kind = _("Review") if c.is_review else c.get_case_type_display()
    return f"{kind} {c.code}: {c.get_category_display()}" + (f" ({c.enterprise})" if c.enterprise_id else "")


def _requirements(c: Complaint) -> str:
    return _("Investigate and reply to the complainant by %(date)s (legal deadline). The complaint: %(text)s") % {
        "date": c.handle_deadline.isoformat() if c.handle_deadline else "", "text": c.description[:1500]}


def do_accept_complaint(c: Complaint, *, unit: Unit | None, acting_user: Any, basis: str | None = None,
                        at: dt.datetime | None = None) -> Complaint:
    """Accept, start the handling clock, and issue the assignment to the handling unit."""
    roles = _check(c, "accept", acting_user)
    unit_error = _unit_error(c, unit)
    if unit_error:
        raise ValidationError({"unit": unit_error})
    assert unit is not None
    when = _when(at, c)
    accepted_on = timezone.localdate(when)
    policy = ComplaintPolicy.for_park(c.park_id)
    handle_deadline = c.handle_deadline if c.is_review and c.handle_deadline else clocks.handling_deadline(
        accepted_on, policy.clocks_for(c.case_type))
    if basis is None:  # the office took the suggestion (keep why it was suggested) or chose another unit
        basis = c.routing_basis if unit.pk == c.suggested_unit_id else RoutingBasis.MANUAL
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "accept", roles=roles, acting_user=acting_user,
                      data={"unit_id": unit.pk, "unit": str(unit), "basis": basis,
                            "handle_deadline": handle_deadline.isoformat()},
                      extra_updates={"handling_unit": unit, "accepted_on": accepted_on, "routing_basis": basis,
                                     "handle_deadline": handle_deadline,
                                     "township": c.township or (unit if unit.kind == UnitKind.TOWNSHIP else None)})
        c.assignment = tasks.do_issue_assignment(
            park=c.park, assignee_unit=unit, subject=_subject(c), requirements=_requirements(c),
            deadline=handle_deadline, acting_user=acting_user, enterprise=c.enterprise, source=c,
            issued_on=accepted_on)
        Complaint.objects.filter(pk=c.pk).update(assignment=c.assignment)
        Complaint.objects.filter(merged_into=c).update(handling_unit=unit, assignment=c.assignment)
        for follower in _followers(c):
            sms.queue(follower, _text(SMS_ACCEPTED, code=follower.code, unit=unit,
                                      date=handle_deadline.isoformat()))
    return c


def do_not_accept_complaint(c: Complaint, *, acting_user: Any, reason: str) -> Complaint:
    """Not within the platform's remit (litigation, another body's matter...): the complainant is told why."""
    roles = _check(c, "not_accept", acting_user, reason=reason)
    reason = clean_text(reason)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "not_accept", roles=roles, acting_user=acting_user, reason=reason,
                      extra_updates={"not_accepted_reason": reason, "closed_at": timezone.now()})
        sms.queue(c, _text(SMS_NOT_ACCEPTED, code=c.code, reason=reason))
    return c


def do_return_complaint(c: Complaint, *, acting_user: Any, reason: str, suggested_unit: Unit | None) -> Complaint:
    """The handling unit says it is not theirs and names the unit it believes responsible."""
    roles = _check(c, "return", acting_user, reason=reason)
    unit_error = _unit_error(c, suggested_unit)
    if unit_error is None and suggested_unit is not None and suggested_unit.pk == c.handling_unit_id:
        unit_error = _("Choose a different unit.")
    if unit_error:
        raise ValidationError({"suggested_unit": unit_error})
    assert suggested_unit is not None
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "return", roles=roles, acting_user=acting_user, reason=reason,
                      data={"suggested_unit_id": suggested_unit.pk, "suggested_unit": str(suggested_unit)},
                      extra_updates={"suggested_unit": suggested_unit, "extension_requested": False})
        a = c.assignment
        if a is not None and a.status in (A.ISSUED, A.IN_PROGRESS):
            tasks.do_return_assignment(a, acting_user=acting_user, reason=reason, suggested_unit=suggested_unit)
        _tell_office(c, acting_user, kind="complaint.returned",
                     title=_("%(code)s returned by %(unit)s") % {"code": c.code, "unit": c.handling_unit},
                     body=_("%(reason)s Believed responsible: %(unit)s.") % {"reason": reason, "unit": suggested_unit})
    return c


def do_reroute_complaint(c: Complaint, *, acting_user: Any, unit: Unit | None, reason: str) -> Complaint:
    """Send a returned complaint to another unit; the legal deadline keeps running."""
    roles = _check(c, "reroute", acting_user, reason=reason)
    a = c.assignment
    if c.status != Status.RETURNED and (a is None or a.status != A.RETURNED):
        raise TransitionError(_("Only a complaint the unit returned can be routed elsewhere."), code="state")
    unit_error = _unit_error(c, unit)
    if unit_error is None and unit is not None and unit.pk == c.handling_unit_id:
        unit_error = _("Choose a different unit.")
    if unit_error:
        raise ValidationError({"unit": unit_error})
    assert unit is not None
    old = c.handling_unit
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "reroute", roles=roles, acting_user=acting_user, reason=reason,
                      data={"from_unit_id": getattr(old, "pk", None), "from_unit": str(old or ""),
                            "to_unit_id": unit.pk, "to_unit": str(unit)},
                      extra_updates={"handling_unit": unit, "suggested_unit": None, "routing_basis": RoutingBasis.MANUAL})
        if a is not None and a.status == A.RETURNED:
            tasks.do_reassign_assignment(a, acting_user=acting_user, unit=unit, reason=reason)
        elif a is None or a.status not in (A.ISSUED, A.IN_PROGRESS):
            c.assignment = tasks.do_issue_assignment(
                park=c.park, assignee_unit=unit, subject=_subject(c), requirements=_requirements(c),
                deadline=max(c.handle_deadline or timezone.localdate(), timezone.localdate()),
                acting_user=acting_user, enterprise=c.enterprise, source=c)
            Complaint.objects.filter(pk=c.pk).update(assignment=c.assignment)
        Complaint.objects.filter(merged_into=c).update(handling_unit=unit, assignment=c.assignment)
    return c


# ---- handling (the unit) ------------------------------------------------------------------------

def do_start_handling(c: Complaint, *, acting_user: Any, at: dt.datetime | None = None) -> Complaint:
    roles = _check(c, "start", acting_user)
    _when(at, c)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "start", roles=roles, acting_user=acting_user)
        if c.assignment is not None and c.assignment.status == A.ISSUED:
            tasks.do_sign_assignment(c.assignment, acting_user=acting_user)
    return c


def do_request_extension(c: Complaint, *, acting_user: Any, reason: str) -> Complaint:
    """Ask for the one extension the rules allow (the head approves); reviews have none."""
    roles = _check(c, "request_extension", acting_user, reason=reason)
    policy = ComplaintPolicy.for_park(c.park_id)
    days = policy.clocks_for(c.case_type).extension_days
    if c.is_review or c.extended or c.extension_requested or not days or c.handle_deadline is None:
        raise TransitionError(_("This case cannot be extended (again)."), code="extension")
    new_deadline = clocks.extended_deadline(c.handle_deadline, policy.clocks_for(c.case_type))
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "request_extension", roles=roles, acting_user=acting_user, reason=reason,
                      data={"new_deadline": new_deadline.isoformat()}, extra_updates={"extension_requested": True})
        a = c.assignment
        if a is not None and a.status == A.IN_PROGRESS and not a.extensions.filter(status="pending").exists():
            tasks.do_request_extension(a, acting_user=acting_user, new_deadline=new_deadline, reason=reason)
        _tell_office(c, acting_user, kind="complaint.extension",
                     title=_("%(code)s: extension to %(date)s requested") % {
                         "code": c.code, "date": new_deadline.isoformat()}, body=reason)
    return c


def do_decide_extension(c: Complaint, *, acting_user: Any, approve: bool, reason: str = "") -> Complaint:
    name = "approve_extension" if approve else "refuse_extension"
    roles = _check(c, name, acting_user, reason=reason)
    if not c.extension_requested:
        raise TransitionError(_("There is no pending extension request to decide."), code="no_request")
    policy = ComplaintPolicy.for_park(c.park_id)
    assert c.handle_deadline is not None
    new_deadline = clocks.extended_deadline(c.handle_deadline, policy.clocks_for(c.case_type))
    extra: dict[str, Any] = {"extension_requested": False}
    if approve:
        extra.update(extended=True, handle_deadline=new_deadline)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, name, roles=roles, acting_user=acting_user, reason=reason,
                      data={"old_deadline": c.handle_deadline.isoformat(), "new_deadline": new_deadline.isoformat()},
                      extra_updates=extra)
        a = c.assignment
        if a is not None and a.extensions.filter(status="pending").exists():
            tasks.do_decide_extension(a, acting_user=acting_user, approve=approve, reason=reason)
        if approve:
            for follower in _followers(c):
                sms.queue(follower, _text(SMS_EXTENDED, code=follower.code, date=new_deadline.isoformat(),
                                          reason=reason or "-"))
    return c


def do_reply_complaint(c: Complaint, *, acting_user: Any, reply: str, internal_note: str = "",
                       at: dt.datetime | None = None) -> Complaint:
    """The handling unit's public reply: on the tracking page, and by SMS to every complainant of the case."""
    roles = _check(c, "reply", acting_user)
    reply = clean_text(reply)
    if not reply:
        raise ValidationError({"reply": _("Write the reply the complainant will read.")})
    when = _when(at, c)
    replied_on = timezone.localdate(when)
    on_time = clocks.on_time(c.handle_deadline, replied_on)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "reply", roles=roles, acting_user=acting_user,
                      data={"on_time": on_time},
                      extra_updates={"reply": reply, "internal_note": clean_text(internal_note), "replied_at": when,
                                     "replied_on": replied_on, "replied_on_time": on_time,
                                     "extension_requested": False})
        audit.record("complaint.reply", c, acting_user=acting_user, after={"reply": reply, "on_time": on_time})
        a = c.assignment
        if a is not None and a.status == A.ISSUED:
            tasks.do_sign_assignment(a, acting_user=acting_user)
        if a is not None and a.status == A.IN_PROGRESS:
            tasks.do_submit_assignment(a, acting_user=acting_user, text=reply)
        for follower in _followers(c):
            sms.queue(follower, _text(SMS_REPLIED, code=follower.code,
                                      reply=reply[:300]))
    return c


# ---- feedback, closing and review ---------------------------------------------------------------

def _complete_assignment(c: Complaint) -> None:
    a = c.assignment
    if a is not None and a.status == A.SUBMITTED:
        tasks.do_verify_assignment(a, acting_user=None, accept=True)


def do_rate_complaint(c: Complaint, *, rating: str, comment: str = "", acting_user: Any = None,
                      as_complainant: bool = True, request_review: bool = False, review_reason: str = "",
                      at: dt.datetime | None = None) -> Complaint:
    """The complainant rates the reply (a merged complainant rates the case they follow).

    Rating closes the case. A dissatisfied complainant may ask for a review (复查) at the same time.
    """
    name = "rate_merged" if c.status == Status.MERGED else "rate"
    roles = _check(c, name, acting_user, as_complainant=as_complainant)
    if c.status == Status.MERGED and c.case.status not in (Status.REPLIED, Status.CLOSED):
        raise TransitionError(_("The case has no reply to rate yet."), code="no_reply")
    if c.rating:
        raise TransitionError(_("This reply was already rated."), code="rated")
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or dissatisfied.")})
    if request_review and rating != Rating.DISSATISFIED:
        raise ValidationError({"rating": _("A review can be requested only when dissatisfied.")})
    when = _when(at, c)
    extra: dict[str, Any] = {"rating": rating, "rating_comment": clean_text(comment)[:1000], "rated_at": when}
    if name == "rate":
        extra["closed_at"] = when
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, name, roles=roles, acting_user=acting_user, data={"rating": rating},
                      extra_updates=extra)
        if name == "rate":
            _complete_assignment(c)
        if rating == Rating.DISSATISFIED:
            _tell_office(c, acting_user, kind="complaint.dissatisfied",
                         title=_("%(code)s: the complainant is dissatisfied") % {"code": c.code},
                         body=c.rating_comment)
        if request_review:
            do_request_review(c, reason=review_reason or comment, acting_user=acting_user,
                              as_complainant=as_complainant, at=at)
    return c


def do_close_complaint(c: Complaint, *, acting_user: Any, at: dt.datetime | None = None) -> Complaint:
    """Close a replied complaint without a rating (the feedback window passed, or the office closes it)."""
    roles = _check(c, "close", acting_user)
    when = _when(at, c)
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "close", roles=roles, acting_user=acting_user,
                      extra_updates={"closed_at": when})
        _complete_assignment(c)
    return c


def review_deadline(c: Complaint) -> dt.date | None:
    """The last day to ask for a review of the reply this complaint follows."""
    case = c.case
    if case.replied_on is None:
        return None
    return clocks.review_request_deadline(case.replied_on, ComplaintPolicy.for_park(c.park_id).clocks_for(c.case_type))


def can_request_review(c: Complaint, today: dt.date) -> bool:
    deadline = review_deadline(c)
    return (deadline is not None and today <= deadline and c.review_level < ReviewLevel.RE_REVIEW
            and c.case.status in (Status.REPLIED, Status.CLOSED) and not c.reviews.exists())


def do_request_review(c: Complaint, *, reason: str, acting_user: Any = None, as_complainant: bool = True,
                      at: dt.datetime | None = None) -> Complaint:
    """Open a review (复查; 复核 for a review's review) with its own 30-day answer clock."""
    if as_complainant:
        if c.rating != Rating.DISSATISFIED:
            raise TransitionError(_("A review can be requested only when dissatisfied."), code="review")
    elif acting_user is None or not complaint_roles(acting_user, c) & {OFFICE}:
        raise PermissionDenied
    now = _when(at, c)
    today = timezone.localdate(now)
    if not can_request_review(c, today):
        raise TransitionError(_("A review can no longer be requested for this reply (the window is %(days)d "
                                "days from the reply, and only one review and one re-review are possible).") % {
            "days": ComplaintPolicy.for_park(c.park_id).clocks_for(c.case_type).review_request_days}, code="review")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the reply does not settle the matter.")})
    case, policy = c.case, ComplaintPolicy.for_park(c.park_id)
    clock = policy.clocks_for(c.case_type)
    answer_by = clocks.review_answer_deadline(today, clock)
    values = dict(
        park=c.park, case_type=c.case_type, channel=c.channel, category=c.category, description=reason,
        address=case.address, longitude=case.longitude, latitude=case.latitude, place_cell=case.place_cell,
        enterprise=case.enterprise,
        township=case.township, observed_at=None, received_at=now, received_on=today, year=today.year,
        month=today.month, name=c.name, phone=c.phone, phone_hash=c.phone_hash, trackable=c.trackable,
        status=Status.RECEIVED, review_of=c, review_level=c.review_level + 1,
        suggested_unit=policy.review_unit, routing_basis=RoutingBasis.MANUAL if policy.review_unit else RoutingBasis.TRIAGE,
        accept_deadline=min(clocks.acceptance_deadline(today, clock), answer_by), handle_deadline=answer_by,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
    with transaction.atomic():
        review = _insert_with_code(values)
        audit.record("complaint.review_request", c, acting_user=acting_user, related=review,
                     after={"review": review.code, "level": review.review_level, "answer_by": answer_by.isoformat()},
                     message=reason)
        audit.record("complaint.submit", review, acting_user=acting_user, related=c, after=public_snapshot(review))
        _tell_office(review, acting_user, kind="complaint.received",
                     title=_("Review requested for %(code)s: new case %(review)s") % {
                         "code": c.code, "review": review.code}, body=reason[:300])
        unit = policy.review_unit
        if unit is not None and unit.is_active and unit.pk != case.handling_unit_id and _unit_error(review, unit) is None:
            do_accept_complaint(review, unit=unit, acting_user=None, basis=RoutingBasis.MANUAL, at=now)
    return review


# ---- duplicates -------------------------------------------------------------------------------

def do_merge_complaint(c: Complaint, *, into: Complaint, acting_user: Any, reason: str = "") -> Complaint:
    """Merge a duplicate into a case: its complainant follows the case and hears its replies."""
    roles = _check(c, "merge", acting_user)
    target = into.case
    if target.pk == c.pk or target.park_id != c.park_id:
        raise ValidationError({"into": _("Choose another complaint of the same park.")})
    if target.status not in OPEN_STATUSES | {Status.REPLIED}:
        raise ValidationError({"into": _("Merge only into a case that is open or replied.")})
    if c.is_review or target.is_review:
        raise ValidationError({"into": _("Reviews are not merged.")})
    old_assignment = c.assignment
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "merge", roles=roles, acting_user=acting_user, reason=reason,
                      data={"into": target.code, "into_id": target.pk},
                      extra_updates={"merged_into": target, "handling_unit": target.handling_unit,
                                     "assignment": target.assignment, "extension_requested": False})
        audit.record("complaint.merge", target, acting_user=acting_user, related=c,
                     after={"merged": c.code}, message=reason)
        # Complaints merged into this one follow the new case too.
        Complaint.objects.filter(merged_into=c).update(merged_into=target, handling_unit=target.handling_unit,
                                                       assignment=target.assignment)
        if old_assignment is not None and old_assignment.pk != getattr(target.assignment, "pk", None) \
                and old_assignment.status in (A.ISSUED, A.IN_PROGRESS, A.RETURNED, A.SUBMITTED):
            tasks.do_withdraw_assignment(old_assignment, acting_user=acting_user,
                                         reason=_("Merged into complaint %(code)s.") % {"code": target.code})
    return c


# ---- photos -------------------------------------------------------------------------------------

def do_set_photo_public(c: Complaint, attachment: Attachment, *, public: bool, acting_user: Any) -> Attachment:
    """Staff decide whether a citizen's photo may be shown on the public tracking page."""
    if not complaint_roles(acting_user, c) & {OFFICE}:
        raise PermissionDenied
    purpose = PUBLIC_PHOTO if public else PHOTO
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(purpose=purpose)
        audit.record("complaint.photo_public" if public else "complaint.photo_private", c,
                     acting_user=acting_user, related=attachment,
                     before={"purpose": attachment.purpose}, after={"purpose": purpose})
    attachment.purpose = purpose
    return attachment


# ---- the worker ---------------------------------------------------------------------------------

def close_one() -> bool:
    """Worker step: close one replied complaint whose feedback (review request) window has passed."""
    today = timezone.localdate()
    oldest = Complaint.objects.filter(status=Status.REPLIED, replied_on__lt=today).order_by("replied_on", "id")
    for c in oldest[:50]:  # parks may have different windows: look a little further than the first
        deadline = review_deadline(c)
        if deadline is not None and today > deadline:
            try:
                do_close_complaint(c, acting_user=None)
            except TransitionError:
                continue  # someone rated or closed it meanwhile
            return True
    return False
