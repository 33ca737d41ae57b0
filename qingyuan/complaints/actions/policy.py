"""The park's complaint policy (deadlines, distances, automatic acceptance) and category rules,
set by the office on the settings page (or in the admin)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingyuan.complaints.access import can_register_in
from qingyuan.complaints.choices import Category
from qingyuan.complaints.models import CategoryRule, ComplaintPolicy
from qingyuan.core import audit
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Park, Unit

POLICY_FIELDS = ("accept_days", "handle_days", "extension_days", "review_request_days", "review_answer_days",
                 "nearest_radius_m", "duplicate_radius_m", "duplicate_hours", "max_distance_km", "auto_accept",
                 "review_unit")


def _member_unit(park: Park, unit: Unit | None) -> bool:
    return unit is None or (unit.park_id == park.pk and unit.kind not in (UnitKind.OFFICE, UnitKind.LEADING_GROUP))


@transaction.atomic
def do_set_complaint_policy(park: Park, *, acting_user: Any, **fields: Any) -> ComplaintPolicy:
    if not can_register_in(acting_user, park.pk):
        raise PermissionDenied
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValueError(f"not a policy field: {sorted(unknown)}")
    if not _member_unit(park, fields.get("review_unit")):
        raise ValidationError({"review_unit": _("Choose a member unit (not the office or the leading group).")})
    policy, created = ComplaintPolicy.objects.get_or_create(park=park)
    audit.update(policy, fields, editable=POLICY_FIELDS, action="complaint_policy.update", acting_user=acting_user,
                 always=created)
    return policy


@transaction.atomic
def do_set_category_rules(park: Park, *, acting_user: Any, rules: dict[str, Unit | None]) -> None:
    """Set (or clear, with None) the unit each category goes to when no enterprise is near."""
    if not can_register_in(acting_user, park.pk):
        raise PermissionDenied
    for category, unit in rules.items():
        if category not in Category.values:
            raise ValueError(f"unknown category {category!r}")
        if not _member_unit(park, unit):
            raise ValidationError({category: _("Choose a member unit (not the office or the leading group).")})
        current = CategoryRule.objects.filter(park=park, category=category).first()
        if (current.unit_id if current else None) == (unit.pk if unit else None):
            continue
        before = {"unit": str(current.unit) if current else None}
        if unit is None:
            assert current is not None
            audit.record("category_rule.delete", current, acting_user=acting_user, before=before)
            current.delete()
            continue
        rule, _created = CategoryRule.objects.update_or_create(park=park, category=category, defaults={"unit": unit})
        audit.record("category_rule.set", rule, acting_user=acting_user, before=before, after={"unit": str(unit)})
