"""Who may see and act on alarms. Each rule on its own line; not visible means 404.

Visibility is ``Alarm.objects.visible_to``: the park's park-wide roles (managers,
unit officers, inspectors, supervisors, experts) see the park's alarms; an
enterprise user sees the alarms of their own enterprise and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from qingyuan.alarms.models import Alarm
from qingyuan.alarms.workflow import ENTERPRISE, REGULATOR
from qingyuan.core.access import get_visible
from qingyuan.core.models import Attachment
from qingyuan.enterprises.models import EnterpriseAccount
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role


def alarm_roles(user: Any, alarm: Alarm) -> frozenset[str]:
    actor = actor_for(user)
    roles = set()
    if alarm.enterprise_id and EnterpriseAccount.objects.filter(
            user_id=actor.user_id, enterprise_id=alarm.enterprise_id).exists():
        roles.add(ENTERPRISE)                                              # the enterprise's own users
    if actor.manages_park(alarm.park_id):
        roles.add(REGULATOR)                                               # office staff, leaders, admins
    unit = alarm.enterprise.linked_unit_id if alarm.enterprise_id else None  # type: ignore[union-attr]
    if unit is not None and Role.UNIT_OFFICER in actor.roles_by_unit.get(unit, frozenset()):
        roles.add(REGULATOR)                                               # the linked unit's officers
    return frozenset(roles)


def access_alarm(user: Any, pk: Any, *, for_write: bool = False) -> Alarm:
    alarm = get_visible(Alarm.objects.visible_to(user).select_related(
        "park", "enterprise__linked_unit", "point__outlet", "assignment"), pk=pk)
    if for_write and not alarm_roles(user, alarm):
        raise PermissionDenied
    return alarm


def access_evidence(user: Any, alarm_pk: Any, attachment_pk: Any) -> Attachment:
    from qingyuan.core import attachments

    alarm = access_alarm(user, alarm_pk)
    return get_visible(attachments.for_owner(alarm), pk=attachment_pk)
