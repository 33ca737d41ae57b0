"""Changes to sections: create or update a section, record a manual sample. Each audited."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit, bulk
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Park
from qingyuan.sections.models import Sample, SampleValue, Section
from qingyuan.standards import convert, surface_water_item, unit_matches

# Staff who take or enter samples; enterprise users and supervision-group members only read.
SAMPLERS = frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN, Role.UNIT_OFFICER, Role.INSPECTOR})


def can_sample(user: Any, park_id: int) -> bool:
    actor = actor_for(user)
    return actor.is_superuser or bool(actor.roles_by_park.get(park_id, frozenset()) & SAMPLERS)


@transaction.atomic
def do_create_section(park: Park, *, acting_user: Any, **fields: Any) -> Section:
    if acting_user is not None and not actor_for(acting_user).manages_park(park.pk):
        raise PermissionDenied
    section = Section(park=park, **fields)
    section.full_clean()
    section.save()
    audit.record("section.create", section, acting_user=acting_user, after=audit.snapshot(section))
    return section


@transaction.atomic
def do_update_section(section: Section, *, acting_user: Any, **fields: Any) -> Section:
    """Change a section's fields (its township, target class...); audited with the changed fields only."""
    if acting_user is not None and not actor_for(acting_user).manages_park(section.park_id):
        raise PermissionDenied
    section = Section.objects.select_for_update().get(pk=section.pk)
    before = audit.snapshot(section)
    for name, value in fields.items():
        setattr(section, name, value)
    section.full_clean()
    before, after = audit.changed(before, audit.snapshot(section))
    if not after:
        return section
    section.save(update_fields=list(after))
    audit.record("section.update", section, acting_user=acting_user, before=before, after=after)
    return section


def check_value(parameter: str, value: Any, unit: str) -> tuple[str, float, float]:
    """(item key, value, value in the GB 3838 unit), or ValueError with a message for the user."""
    item = surface_water_item(parameter)
    if item is None:
        raise ValueError(_("“%(param)s” is not a GB 3838-2002 item.") % {"param": parameter})
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(_("Enter a number.")) from None
    if not math.isfinite(number):
        raise ValueError(_("Enter a number."))
    unit = (unit or "").strip() or item.unit
    if not unit_matches(item.hj212_code, unit):
        raise ValueError(_("The unit “%(unit)s” does not fit %(name)s (use %(expected)s).") % {
            "unit": unit, "name": item.name_zh, "expected": item.unit})
    if item.direction == "range" and not 0 <= number <= 14:
        raise ValueError(_("pH must be between 0 and 14; %(value)s is impossible.") % {"value": number})
    if number < 0:
        raise ValueError(_("A concentration cannot be negative."))
    return item.key, number, convert(number, unit, item.unit)


def do_record_sample(section: Section, *, acting_user: Any, date: dt.date, values: list[tuple[str, Any, str]],
                     note: str = "") -> Sample:
    """Record a manual sample: every value is checked first; one bad value refuses the whole sample.

    ``values``: (parameter key or HJ 212 code, value, unit) triples; empty values are skipped.
    Errors are raised as ValidationError keyed ``value_<item key>`` (or ``date``/``values``).
    """
    if not can_sample(acting_user, section.park_id):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    checked: dict[str, tuple[float, str, float]] = {}
    if date is None:
        errors["date"] = [_("Give the sampling date.")]
    elif date > timezone.localdate():
        errors["date"] = [_("The sampling date cannot be in the future.")]
    elif Sample.objects.filter(section=section, date=date).exists():
        errors["date"] = [_("This section already has a sample on %(date)s.") % {"date": date.isoformat()}]
    for parameter, value, unit in values:
        if value in (None, ""):
            continue
        item = surface_water_item(parameter)
        field = f"value_{item.key if item else parameter}"
        try:
            key, number, std = check_value(parameter, value, unit)
        except ValueError as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        if key in checked:
            errors.setdefault(field, []).append(_("This item is given twice."))
        checked[key] = (number, (unit or "").strip() or surface_water_item(key).unit, std)  # type: ignore[union-attr]
    if not checked and not errors:
        errors["values"] = [_("Enter at least one value.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        sample = Sample.objects.create(section=section, date=date, note=note.strip()[:200],
                                       entered_by=acting_user if getattr(acting_user, "is_authenticated", False)
                                       else None, entered_by_name=audit.user_name(acting_user))
        bulk.create_under(
            sample, [SampleValue(sample=sample, parameter=k, value=v, unit=u, value_std=s)
                     for k, (v, u, s) in sorted(checked.items())],
            action="section.sample", acting_user=acting_user, related=section,
            after={"date": date.isoformat(), "values": {k: [v, u] for k, (v, u, _s) in checked.items()}})
    return sample
