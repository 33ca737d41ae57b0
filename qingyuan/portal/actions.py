"""Every change to notices and subscriptions: ``do_<verb>_<noun>``, atomic, audited.

Subscribers are anonymous; their audit entries carry the subscription (park, enterprise) but never
the address, which only the digest sender reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from qingyuan.core import audit
from qingyuan.core.workflow import TransitionError, fire
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.models import Park
from qingyuan.portal.access import notice_roles
from qingyuan.portal.choices import NoticeStatus
from qingyuan.portal.models import Notice, Subscription
from qingyuan.portal.pagecache import bump_generation
from qingyuan.portal.workflow import NOTICES

EDITABLE = ("kind", "title", "body", "enterprise", "issuer")
CONFIRM_SALT = "qingyuan.portal.subscription.confirm"
UNSUBSCRIBE_SALT = "qingyuan.portal.subscription.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600
DIGEST_EVERY = dt.timedelta(hours=1)


@transaction.atomic
def do_create_notice(park: Park, fields: dict[str, Any], *, acting_user: Any) -> Notice:
    notice = Notice(park=park, created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None)
    audit.update(notice, fields, editable=EDITABLE, action="notice.create", acting_user=acting_user, always=True)
    return notice


@transaction.atomic
def do_update_notice(notice: Notice, fields: dict[str, Any], *, acting_user: Any) -> bool:
    """Edit a draft; a notice past its draft is changed only by withdrawing it."""
    if notice.status != NoticeStatus.DRAFT:
        raise TransitionError("only a draft can be edited", code="state")
    return audit.update(notice, fields, editable=EDITABLE, action="notice.update", acting_user=acting_user)


def do_transition_notice(notice: Notice, name: str, *, acting_user: Any, reason: str = "") -> Notice:
    """Approve, return, publish or withdraw (core.workflow checks state and role and writes the audit entry)."""
    now = timezone.now()
    extra: dict[str, Any] = {}
    if name == "publish":
        extra = {"published_at": now}
    elif name == "withdraw":
        extra = {"withdrawn_at": now, "withdraw_reason": reason.strip()}
    fire(NOTICES, notice, name, roles=notice_roles(acting_user, notice.park_id), acting_user=acting_user,
         reason=reason, extra_updates=extra)
    if name in ("publish", "withdraw"):  # the public pages that list notices are stale from the commit on
        bump_generation()
    return notice


# ---- subscriptions -------------------------------------------------------------------------------

def confirm_token(sub: Subscription) -> str:
    return signing.dumps({"s": sub.pk, "e": sub.email}, salt=CONFIRM_SALT)


def unsubscribe_token(sub: Subscription) -> str:
    return signing.dumps({"s": sub.pk, "e": sub.email}, salt=UNSUBSCRIBE_SALT)


def subscription_for(token: str, *, salt: str, max_age: int | None = None) -> Subscription | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return Subscription.objects.filter(pk=data.get("s"), email=data.get("e")).select_related(
        "park", "enterprise").first()


@transaction.atomic
def do_subscribe(park: Park, enterprise: Enterprise | None, email: str) -> tuple[Subscription, bool]:
    """Record the request (or renew an unconfirmed or ended one); returns it and whether a confirmation is due.

    A confirmed, active subscription stays as it is and no mail is sent (nobody can mail someone
    repeatedly by subscribing them again)."""
    now = timezone.now()
    sub, created = Subscription.objects.get_or_create(park=park, enterprise=enterprise, email=email.strip().lower(),
                                                      defaults={"created_at": now})
    if sub.active:
        return sub, False
    before = {"confirmed": sub.confirmed_at is not None, "unsubscribed": sub.unsubscribed_at is not None}
    if not created:
        Subscription.objects.filter(pk=sub.pk).update(confirmed_at=None, unsubscribed_at=None, created_at=now)
        sub.refresh_from_db()
    audit.record("subscription.request", sub, acting_user=None, related=enterprise or park,
                 before=None if created else before,
                 after={"park": park.pk, "enterprise": enterprise.pk if enterprise else None})
    return sub, True


@transaction.atomic
def do_confirm_subscription(sub: Subscription) -> bool:
    """The address owner followed the confirmation link; False if it was confirmed already."""
    now = timezone.now()
    moved = Subscription.objects.filter(pk=sub.pk, confirmed_at__isnull=True, unsubscribed_at__isnull=True).update(
        confirmed_at=now, sent_until=now, digest_due_at=now + DIGEST_EVERY)
    if not moved:
        return False
    sub.refresh_from_db()
    audit.record("subscription.confirm", sub, acting_user=None, related=sub.enterprise or sub.park,
                 before={"confirmed_at": None}, after={"confirmed_at": now.isoformat()})
    return True


@transaction.atomic
def do_unsubscribe(sub: Subscription) -> bool:
    now = timezone.now()
    moved = Subscription.objects.filter(pk=sub.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=now,
                                                                                         digest_due_at=None)
    if not moved:
        return False
    sub.refresh_from_db()
    audit.record("subscription.end", sub, acting_user=None, related=sub.enterprise or sub.park,
                 before={"unsubscribed_at": None}, after={"unsubscribed_at": now.isoformat()})
    return True
