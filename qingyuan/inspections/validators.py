"""Checks on what a patrol form or the API sends; each returns field errors in the user's language.

The actions call these, so the web form and the API refuse the same things with the
same messages, and nothing is written when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import attachments
from qingyuan.inspections import checklists
from qingyuan.inspections.choices import Answer, Severity

MAX_PHOTOS = 12
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_FINDINGS = 20
MAX_TEXT = 4000
MAX_NOTE = 500
MAX_DISTANCE_KM = 30.0       # from the park's centre; farther is a wrong fix or a wrong enterprise
MAX_ACCURACY_M = 10_000.0
MAX_OFFLINE_AGE = dt.timedelta(days=7)  # a form kept on the phone through a loss of signal
MAX_DURATION = dt.timedelta(hours=24)
CLOCK_SKEW = dt.timedelta(minutes=10)

Errors = dict[str, list[str]]


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def position(latitude: Any, longitude: Any, accuracy: Any, park: Any) -> tuple[Errors, dict[str, Any]]:
    """Both coordinates or neither; on Earth; near the park; a plausible accuracy."""
    errors: Errors = {}
    try:
        lat, lon = _decimal(latitude), _decimal(longitude)
    except ValueError:
        _add(errors, "latitude", _("The position is not a number."))
        return errors, {}
    try:
        acc = _decimal(accuracy)
    except ValueError:
        _add(errors, "gps_accuracy_m", _("The accuracy is not a number."))
        return errors, {}
    if lat is None and lon is None:
        return errors, {"latitude": None, "longitude": None, "gps_accuracy_m": None}
    if lat is None or lon is None:
        _add(errors, "latitude", _("Give both latitude and longitude, or neither."))
        return errors, {}
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        _add(errors, "latitude", _("Latitude must be between −90 and 90 and longitude between −180 and 180."))
        return errors, {}
    if acc is not None and not (0 <= acc <= MAX_ACCURACY_M):
        _add(errors, "gps_accuracy_m", _("The accuracy must be between 0 and %(max)d metres.")
             % {"max": MAX_ACCURACY_M})
    if park.latitude is not None and park.longitude is not None:
        km = distance_km(float(lat), float(lon), float(park.latitude), float(park.longitude))
        if km > MAX_DISTANCE_KM:
            _add(errors, "latitude", _("The position is %(km).0f km from the park; check the location and "
                                       "try again.") % {"km": km})
    values = {"latitude": lat.quantize(Decimal("0.000001")), "longitude": lon.quantize(Decimal("0.000001")),
              "gps_accuracy_m": float(acc) if acc is not None else None}
    return errors, values


def times(started_at: dt.datetime | None, finished_at: dt.datetime | None,
          now: dt.datetime | None = None, *, backdated: bool = False) -> Errors:
    """``backdated``: a paper record entered later (the demo, imports), so no age limit."""
    errors: Errors = {}
    now = now or timezone.now()
    if started_at is None:
        _add(errors, "started_at", _("The start time is missing."))
    if finished_at is None:
        _add(errors, "finished_at", _("The end time is missing."))
    if errors:
        return errors
    assert started_at is not None and finished_at is not None
    if finished_at < started_at:
        _add(errors, "finished_at", _("The patrol cannot end before it started."))
    elif finished_at - started_at > MAX_DURATION:
        _add(errors, "finished_at", _("A patrol lasts at most 24 hours."))
    if finished_at > now + CLOCK_SKEW:
        _add(errors, "finished_at", _("The end time is in the future; check the phone's clock."))
    if started_at < now - MAX_OFFLINE_AGE and not backdated:
        _add(errors, "started_at", _("The patrol started more than 7 days ago; it can no longer be sent from the phone."))
    return errors


def checklist_answers(key: str, answers: Any) -> tuple[Errors, dict[str, dict[str, str]]]:
    """Every item of the checklist answered, nothing else; notes short."""
    errors: Errors = {}
    try:
        items = checklists.checklist(key).keys
    except KeyError:
        _add(errors, "checklist", _("Unknown checklist “%(key)s”.") % {"key": key})
        return errors, {}
    if not isinstance(answers, dict):
        _add(errors, "checklist", _("The checklist answers are malformed."))
        return errors, {}
    unknown = sorted(str(k) for k in answers if k not in items)
    if unknown:
        _add(errors, "checklist", _("Unknown checklist items: %(items)s.") % {"items": ", ".join(unknown)})
    clean: dict[str, dict[str, str]] = {}
    for k in items:
        entry = answers.get(k) or {}
        answer = entry.get("answer", "") if isinstance(entry, dict) else ""
        note = (entry.get("note") or "").strip() if isinstance(entry, dict) else ""
        if answer not in Answer.values:
            _add(errors, f"item-{k}", _("Answer “%(item)s”.") % {"item": checklists.item_label(k)})
            continue
        if len(note) > MAX_NOTE:
            _add(errors, f"note-{k}", _("At most %(n)d characters.") % {"n": MAX_NOTE})
        clean[k] = {"answer": answer, "note": note}
    return errors, clean


def findings(rows: Any, checklist_key: str) -> tuple[Errors, list[dict[str, str]]]:
    errors: Errors = {}
    try:
        items = set(checklists.checklist(checklist_key).keys)
    except KeyError:
        items = set()
    if not isinstance(rows, list | tuple):
        _add(errors, "findings", _("The findings are malformed."))
        return errors, []
    if len(rows) > MAX_FINDINGS:
        _add(errors, "findings", _("At most %(n)d findings per patrol.") % {"n": MAX_FINDINGS})
        return errors, []
    clean = []
    for i, row in enumerate(rows):
        text = (row.get("text") or "").strip() if isinstance(row, dict) else ""
        severity = (row.get("severity") or Severity.MINOR) if isinstance(row, dict) else ""
        item = (row.get("checklist_item") or "") if isinstance(row, dict) else ""
        if not text:
            _add(errors, f"findings-{i}-text", _("Describe the problem found."))
        elif len(text) > MAX_TEXT:
            _add(errors, f"findings-{i}-text", _("At most %(n)d characters.") % {"n": MAX_TEXT})
        if severity not in Severity.values:
            _add(errors, f"findings-{i}-severity", _("Unknown severity."))
        if item and item not in items:
            _add(errors, f"findings-{i}-checklist_item", _("Not an item of this checklist."))
        clean.append({"text": text, "severity": severity, "checklist_item": item})
    return errors, clean


def photos(uploads: Any) -> tuple[Errors, list[tuple[Any, attachments.FileKind]]]:
    errors: Errors = {}
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        _add(errors, "photos", _("At most %(n)d photos per patrol.") % {"n": MAX_PHOTOS})
        return errors, []
    checked = []
    for upload in uploads:
        try:
            checked.append((upload, attachments.validate_upload(
                upload, allowed=attachments.IMAGE_KINDS, max_bytes=MAX_PHOTO_BYTES)))
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
    return errors, checked
