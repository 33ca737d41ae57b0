"""Every change to enterprises and their outlets, points and permits.

Each ``do_*`` runs in one transaction, writes its audit entry, and notifies on commit.
Views, the API, imports and the demo seeder call these; nothing else saves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingyuan.core import audit, workflow
from qingyuan.core.notify import notify
from qingyuan.enterprises.access import enterprise_roles
from qingyuan.enterprises.lifecycle import LIFECYCLE
from qingyuan.enterprises.models import (
    Enterprise,
    EnterpriseAccount,
    MonitoringPoint,
    Outlet,
    Permit,
    PermitLimit,
)


@transaction.atomic
def do_create_enterprise(*, acting_user: Any, **fields: Any) -> Enterprise:
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise.save()
    audit.record("enterprise.create", enterprise, acting_user=acting_user, after=audit.snapshot(enterprise))
    return enterprise


@transaction.atomic
def do_create_enterprises(rows: Iterable[dict[str, Any]], *, acting_user: Any, source: str) -> list[Enterprise]:
    """Create many enterprises at once (an Excel import): all or nothing."""
    created = [do_create_enterprise(acting_user=acting_user, **row) for row in rows]
    return created


_EDITABLE = (
    "name", "credit_code", "legal_representative", "industry", "address", "longitude", "latitude",
    "risk_class", "linked_unit", "linked_officer", "contact_phone",
)


@transaction.atomic
def do_update_enterprise(enterprise: Enterprise, *, acting_user: Any, **fields: Any) -> Enterprise:
    audit.update(enterprise, fields, editable=_EDITABLE, action="enterprise.update", acting_user=acting_user)
    return enterprise


def do_transition_enterprise(
    enterprise: Enterprise, name: str, *, acting_user: Any, reason: str, effective_date: dt.date | None,
    roles: frozenset[str] | None = None,
) -> Enterprise:
    """Move the enterprise along its lifecycle; raises workflow.TransitionError when refused.
    ``roles``: a process acting on the enterprise (a closure case) passes the role it holds;
    otherwise the acting user's roles on the enterprise."""
    roles = enterprise_roles(acting_user, enterprise) if roles is None else roles
    with transaction.atomic():
        workflow.fire(
            LIFECYCLE,
            enterprise,
            name,
            roles=roles,
            acting_user=acting_user,
            reason=reason,
            effective_date=effective_date,
            extra_updates={"status_since": effective_date},
        )
        recipients = [enterprise.linked_officer, *(a.user for a in enterprise.accounts.select_related("user"))]
        notify(
            [u for u in recipients if u is not None and u.pk != getattr(acting_user, "pk", None)],
            kind="enterprise.status",
            title=_("%(name)s is now “%(status)s”") % {
                "name": enterprise.name, "status": enterprise.get_status_display()},
            body=reason,
            url=f"/enterprises/{enterprise.pk}/",
        )
    return enterprise


@transaction.atomic
def do_add_account(enterprise: Enterprise, user: Any, *, acting_user: Any) -> EnterpriseAccount:
    account, _created = EnterpriseAccount.objects.get_or_create(enterprise=enterprise, user=user)
    audit.record("enterprise.add_account", enterprise, acting_user=acting_user, related=user,
                 after={"user_id": user.pk})
    return account


@transaction.atomic
def do_create_outlet(enterprise: Enterprise, *, acting_user: Any, **fields: Any) -> Outlet:
    outlet = Outlet(enterprise=enterprise, **fields)
    outlet.full_clean()
    outlet.save()
    audit.record("outlet.create", outlet, acting_user=acting_user, related=enterprise, after=audit.snapshot(outlet))
    return outlet


_OUTLET_EDITABLE = ("medium", "code", "name", "longitude", "latitude", "receiving", "route", "receiving_plant",
                    "standard", "special_limits", "is_active")


@transaction.atomic
def do_update_outlet(outlet: Outlet, *, acting_user: Any, **fields: Any) -> Outlet:
    """Change an outlet (its discharge route, for instance); audited with the changed fields before/after."""
    outlet = Outlet.objects.select_for_update().get(pk=outlet.pk)
    audit.update(outlet, fields, editable=_OUTLET_EDITABLE, action="outlet.update", acting_user=acting_user,
                 related=outlet.enterprise)
    return outlet


@transaction.atomic
def do_create_point(*, acting_user: Any, **fields: Any) -> MonitoringPoint:
    point = MonitoringPoint(**fields)
    point.full_clean()
    point.save()
    after = audit.snapshot(point)
    after.pop("password", None)
    audit.record("point.create", point, acting_user=acting_user, related=point.outlet, after=after)
    return point


@transaction.atomic
def do_create_permit(
    enterprise: Enterprise, *, acting_user: Any, limits: Iterable[dict[str, Any]] = (), **fields: Any
) -> Permit:
    permit = Permit(enterprise=enterprise, **fields)
    permit.full_clean()
    permit.save()
    for row in limits:
        limit = PermitLimit(permit=permit, **row)
        limit.full_clean()
        limit.save()
    audit.record(
        "permit.create", permit, acting_user=acting_user, related=enterprise,
        after={**audit.snapshot(permit), "limits": [
            audit.snapshot(x) for x in permit.limits.all()]},
    )
    return permit


@transaction.atomic
def do_decommission_point(point: MonitoringPoint, *, acting_user: Any, reason: str) -> MonitoringPoint:
    """Take a data logger out of service (a closed plant's device): the gateway and the simulator
    stop accepting / sending for it. Audited with the reason; a second call changes nothing."""
    point = MonitoringPoint.objects.select_for_update().get(pk=point.pk)
    if point.is_active:
        MonitoringPoint.objects.filter(pk=point.pk).update(is_active=False)
        point.is_active = False
        audit.record("point.decommission", point, acting_user=acting_user, related=point.outlet,
                     before={"is_active": True}, after={"is_active": False}, message=reason)
    return point
