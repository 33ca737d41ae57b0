"""The park's escalation ladder (提醒 → 催办 → 督办 → 挂牌督办): who may change it, and changing it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from qingyuan.core import audit
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Park
from qingyuan.tasks.choices import ESCALATING_STATUSES, EscalationLevel
from qingyuan.tasks.models import Assignment, EscalationPolicy

POLICY_ROLES = frozenset({Role.OFFICE_STAFF, Role.ADMIN})


def can_edit_policy(user: Any, park_id: int) -> bool:
    return bool(actor_for(user).roles_in_park(park_id) & POLICY_ROLES)


def do_set_policy(park: Park, *, acting_user: Any, reminder_days: int, supervise_after_days: int,
                  list_after_days: int) -> EscalationPolicy:
    """Change the park's ladder; open items are rescheduled by the worker's next pass."""
    if not can_edit_policy(acting_user, park.pk):
        raise PermissionDenied
    policy = EscalationPolicy.objects.filter(park=park).first() or EscalationPolicy(park=park)
    before = audit.snapshot(policy) if policy.pk else {}
    policy.reminder_days, policy.supervise_after_days, policy.list_after_days = (
        reminder_days, supervise_after_days, list_after_days)
    policy.full_clean()
    with transaction.atomic():
        policy.save()
        old, new = audit.changed(before, audit.snapshot(policy))
        audit.record("escalation_policy.update", policy, acting_user=acting_user, related=park, before=old, after=new)
        # Levels never go down; the next worker pass recomputes when each open item climbs next.
        Assignment.objects.filter(park=park, status__in=ESCALATING_STATUSES).exclude(
            escalation_level=EscalationLevel.LISTED).update(next_escalation_at=timezone.now())
    return policy
