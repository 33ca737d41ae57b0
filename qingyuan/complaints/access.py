"""Who may see and act on complaints. Not visible means 404.

Visibility lives in ``Complaint.objects.visible_to`` (one line per rule): office staff,
leaders, admins, supervision-group members and inspectors see their park's complaints;
a unit officer sees the complaints routed to their unit; an enterprise user sees the
accepted complaints about their enterprise, without personal data. The public sees
only the tracking page of a code it holds (``public_complaint``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from qingyuan.complaints.choices import PHOTO, PUBLIC_PHOTO
from qingyuan.complaints.models import CODE_ROLES, PARK_READER_ROLES, Complaint
from qingyuan.complaints.workflow import HANDLER, OFFICE
from qingyuan.core.access import get_visible
from qingyuan.core.models import Attachment
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Park

MANAGING_ROLES = CODE_ROLES  # office staff, leaders, admins
PERSONAL_DATA_ROLES = frozenset({Role.OFFICE_STAFF, Role.ADMIN})


def _handles(actor: Any, complaint: Complaint) -> bool:
    unit_id = complaint.handling_unit_id
    return unit_id is not None and Role.UNIT_OFFICER in actor.roles_by_unit.get(unit_id, frozenset())


def complaint_roles(user: Any, complaint: Complaint) -> frozenset[str]:
    """Park roles plus ``office`` (manages the park's complaints) and ``handler`` (its unit handles it)."""
    actor = actor_for(user)
    roles = set(actor.roles_in_park(complaint.park_id))
    if roles & MANAGING_ROLES:
        roles.add(OFFICE)
    if _handles(actor, complaint):
        roles.add(HANDLER)
    return frozenset(roles)


def sees_personal_data(user: Any, complaint: Complaint) -> bool:
    """Name and phone: the park's office staff and admins, and officers of the handling unit."""
    actor = actor_for(user)
    if actor.roles_in_park(complaint.park_id) & PERSONAL_DATA_ROLES:
        return True
    return _handles(actor, complaint)


# House numbers (12号, 三组, 5栋, 302室) and long digit runs (phone numbers) in free text.
_HOUSE_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百零〇]+(?=\s*(?:号|组|栋|幢|单元|室|楼|户|弄|巷))")
_DIGITS = re.compile(r"\d{7,}")


def masks_place(user: Any, complaint: Complaint) -> bool:
    """Supervision-group members read the park's complaints without the complainant's personal data: the
    place may be the complainant's home, so it is shown without house numbers, the position only to 0.01°
    (about 1 km), and phone-like numbers in the description are masked. Name and phone they never see
    (``sees_personal_data``). docs/supervision.md."""
    actor = actor_for(user)
    return Role.SUPERVISOR in actor.roles_in_park(complaint.park_id) and not sees_personal_data(user, complaint)


def masked_parks(user: Any) -> frozenset[int]:
    """The parks whose complaints ``user`` reads with the place masked, as far as the role decides it (a
    handling unit's officer who is also a member still sees the complaints the unit handles in full)."""
    actor = actor_for(user)
    return frozenset(p for p in actor.park_ids_with(frozenset({Role.SUPERVISOR}))
                     if not actor.roles_in_park(p) & PERSONAL_DATA_ROLES)


def names_a_masked_number(q: str) -> bool:
    """Any digit (the page masks house numbers and phone-like runs) or a house number in Chinese numerals."""
    return bool(re.search(r"[0-9０-９]", q) or _HOUSE_NUMBER.search(q))


def mask_place(text: str) -> str:
    return _HOUSE_NUMBER.sub("*", _DIGITS.sub(lambda m: "*" * len(m.group()), text or ""))


def _coarse(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def place_for(user: Any, complaint: Complaint) -> dict[str, Any]:
    """Place, position and description as ``user`` may read them (masked for the supervision group)."""
    c = complaint
    if not masks_place(user, c):
        return {"address": c.address, "longitude": c.longitude, "latitude": c.latitude, "description": c.description}
    return {"address": mask_place(c.address), "longitude": _coarse(c.longitude), "latitude": _coarse(c.latitude),
            "description": _DIGITS.sub(lambda m: "*" * len(m.group()), c.description or "")}


def sees_tracking_code(user: Any, complaint: Complaint) -> bool:
    """The tracking code: those who work the case (the office, leaders, admins and the handling unit).

    The enterprise a complaint is about and the park's readers (supervisors, inspectors) see the
    complaint under its reference (``Complaint.reference``) instead. The code alone only reads the
    public status; changing anything from the public side also needs the complainant's PIN.
    """
    actor = actor_for(user)
    if actor.is_superuser or actor.roles_in_park(complaint.park_id) & MANAGING_ROLES:
        return True
    return _handles(actor, complaint)


def reference_for(user: Any, complaint: Complaint) -> str:
    """How ``user`` may name the complaint: its tracking code, or its reference."""
    return complaint.code if sees_tracking_code(user, complaint) else complaint.reference


def can_register_in(user: Any, park_id: int) -> bool:
    """Staff intake (hotline, letters, visits, transfers, petitions) is the office's job."""
    return bool(actor_for(user).roles_in_park(park_id) & MANAGING_ROLES)


def registering_parks(user: Any) -> Any:
    actor = actor_for(user)
    if actor.is_superuser:
        return Park.objects.all()
    return Park.objects.filter(pk__in=list(actor.park_ids_with(MANAGING_ROLES)))


def access_complaint(user: Any, pk: Any, *, for_write: bool = False) -> Complaint:
    complaint = get_visible(
        Complaint.objects.visible_to(user).select_related(
            "park", "enterprise", "handling_unit", "suggested_unit", "township", "assignment", "merged_into",
            "merged_into__handling_unit", "review_of", "created_by"),
        pk=pk)
    if for_write and not complaint_roles(user, complaint) & {OFFICE, HANDLER}:
        raise PermissionDenied
    return complaint


def sees_all_photos(user: Any, complaint: Complaint) -> bool:
    """Citizens' photos are evidence for the park's staff and the handling unit; an enterprise user sees
    only those staff published."""
    actor = actor_for(user)
    if actor.is_superuser or actor.roles_in_park(complaint.park_id) & PARK_READER_ROLES:
        return True
    return _handles(actor, complaint)


def access_photo(user: Any, complaint: Complaint, attachment_id: Any) -> Attachment:
    """A photo of a complaint the user already sees."""
    purposes = [PHOTO, PUBLIC_PHOTO] if sees_all_photos(user, complaint) else [PUBLIC_PHOTO]
    return get_visible(Attachment.objects.filter(
        owner_type__app_label="complaints", owner_type__model="complaint", owner_id=str(complaint.pk),
        purpose__in=purposes), pk=attachment_id)


def public_complaint(code: str) -> Complaint:
    """The complaint behind a tracking code; a code that does not exist and one that is not
    trackable give the same 404."""
    code = (code or "").strip().upper()
    if not code.isalnum() or len(code) > 12:
        raise Http404
    return get_visible(Complaint.objects.select_related(
        "park", "handling_unit", "merged_into", "merged_into__handling_unit", "enterprise"),
        code=code, trackable=True)


def public_photo(complaint: Complaint, attachment_id: Any) -> Attachment:
    """Only the photos staff marked public, of the complaint itself or of the case it follows."""
    owners = {str(complaint.pk), str(complaint.case.pk)}
    return get_visible(Attachment.objects.filter(
        owner_type__app_label="complaints", owner_type__model="complaint", owner_id__in=owners,
        purpose=PUBLIC_PHOTO), pk=attachment_id)
