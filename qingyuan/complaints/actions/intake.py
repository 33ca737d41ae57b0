"""Intake: the public form and API, staff registration, photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.complaints import conf, geo, routing
from qingyuan.complaints import deadlines as clocks
from qingyuan.complaints import duplicates as dupes
from qingyuan.complaints.access import can_register_in, complaint_roles
from qingyuan.complaints.actions.acceptance import do_accept_complaint
from qingyuan.complaints.actions.common import (
    PHONE,
    clean_text,
    insert_with_code,
    phone_hash,
    public_snapshot,
    raise_errors,
    tell_office,
)
from qingyuan.complaints.actions.pin import hash_pin, new_pin, send_pin
from qingyuan.complaints.choices import (
    PHOTO,
    PUBLIC_PHOTO,
    CaseType,
    Category,
    Channel,
    Status,
)
from qingyuan.complaints.models import Complaint, ComplaintPolicy
from qingyuan.complaints.workflow import OFFICE
from qingyuan.core import attachments, audit
from qingyuan.core.models import Attachment
from qingyuan.core.restdays import calendar as rest_days
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Park, Unit


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
    if phone and not PHONE.match(phone):
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
    raise_errors(errors)
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
        trackable=fields.get("trackable", True), publish_reply=bool(fields.get("publish_reply")),
        status=Status.RECEIVED,
        suggested_unit=None if route.is_triage else route.unit, routing_basis=route.basis,
        accept_deadline=clocks.acceptance_deadline(received_on, policy.clocks_for(case_type),
                                                    holidays=rest_days()),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    # The public side acts only with the PIN: every online complaint gets one (shown once on the
    # confirmation page), one registered by staff when there is a phone to text it to.
    pin = new_pin() if acting_user is None or phone else ""
    values["pin_hash"] = hash_pin(pin) if pin else ""
    with transaction.atomic():
        c = insert_with_code(values)
        c.pin = pin  # not stored: for the confirmation page only
        if pin:
            send_pin(c, pin)
        for upload, kind in checked:
            attachments.store(c, upload, uploaded_by=acting_user, kind=kind, purpose=PHOTO)
        audit.record("complaint.submit" if acting_user is None else "complaint.register", c,
                     acting_user=acting_user, after={**public_snapshot(c), "photos": len(checked)})
        tell_office(c, acting_user, kind="complaint.received",
                     title=_("New %(type)s %(code)s: %(category)s") % {
                         "type": c.get_case_type_display(), "code": c.code, "category": c.get_category_display()},
                     body=c.description[:300])
        _maybe_accept(c, acting_user, route, policy)
    return c


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
                        photos: Sequence[Any] = (), received_at: dt.datetime | None = None,
                        publish_reply: bool = False) -> Complaint:
    """A citizen's complaint from the public form or the public API (no account).

    The returned complaint carries its new PIN as ``pin`` (not stored; only its hash is).

    ``received_at`` is for imports and the demo only; the pages and the API never pass it.
    """
    return _create(park=park, acting_user=None, photos=photos, fields=dict(
        category=category, description=description, address=address, longitude=longitude, latitude=latitude,
        enterprise=enterprise, observed_at=observed_at, name=name, phone=phone, channel=Channel.ONLINE,
        case_type=CaseType.COMPLAINT, received_at=received_at, publish_reply=publish_reply))


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
    raise_errors(errors)
    return _create(park=park, acting_user=acting_user, photos=photos, fields=dict(
        fields, channel=channel, case_type=case_type, category=category, description=description,
        received_at=received_at))



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
