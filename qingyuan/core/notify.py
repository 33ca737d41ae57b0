"""Notifications: the in-app inbox always, e-mail and group-robot webhooks as backends.

``notify`` is called inside an action's transaction; everything it writes is written
once the transaction commits, so a rolled-back action notifies nobody. E-mail and
webhook messages become ``Delivery`` rows that the worker sends and retries
(``deliver_one``), so a slow mail server never slows a page.

Kinds are registered by the apps (``register_kind``) so users can choose, per kind,
whether they want it in the inbox and by e-mail.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from qingyuan.core.models import Delivery, Notification, NotificationPreference, WebhookEndpoint

log = logging.getLogger("qingyuan.notify")

KINDS: dict[str, Any] = {}
MAX_ATTEMPTS = 8


def register_kind(kind: str, label: Any) -> None:
    KINDS[kind] = label


def notify(recipients: Iterable[Any], *, kind: str, title: str, body: str = "", url: str = "") -> None:
    """Queue the notification for each distinct active recipient, written after commit."""
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}

    def deliver() -> None:
        prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=users, kind=kind)}
        inbox = [pk for pk in users if pk not in prefs or prefs[pk].inbox]
        Notification.objects.bulk_create(
            Notification(recipient_id=pk, kind=kind, title=title[:200], body=body, url=url) for pk in inbox
        )
        now = timezone.now()
        mails = [
            Delivery(channel=Delivery.Channel.EMAIL, address=users[pk].email, kind=kind, title=title[:200],
                     body=body, url=url, next_attempt_at=now)
            for pk, pref in prefs.items() if pref.email and users[pk].email
        ]
        hooks = [
            Delivery(channel=Delivery.Channel.WEBHOOK, endpoint=endpoint, kind=kind, title=title[:200],
                     body=body, url=url, next_attempt_at=now)
            for endpoint in WebhookEndpoint.objects.filter(is_active=True) if endpoint.wants(kind)
        ]
        Delivery.objects.bulk_create(mails + hooks)

    transaction.on_commit(deliver)


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _text(delivery: Delivery) -> str:
    parts = [delivery.title, delivery.body]
    if delivery.url:
        parts.append(delivery.url)
    return "\n".join(p for p in parts if p)


def _post_webhook(endpoint: WebhookEndpoint, text: str) -> None:
    """WeCom and DingTalk group robots both take ``{"msgtype": "text", "text": {"content": ...}}``."""
    payload = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    request = urllib.request.Request(endpoint.url, data=payload, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (admin-configured URL)
        answer = json.loads(response.read() or b"{}")
    code = answer.get("errcode", 0)
    if code not in (0, None):
        raise RuntimeError(f"robot answered errcode={code}: {answer.get('errmsg', '')}")


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.EMAIL:
        send_mail(delivery.title, _text(delivery), settings.DEFAULT_FROM_EMAIL, [delivery.address])
    else:
        assert delivery.endpoint is not None
        _post_webhook(delivery.endpoint, _text(delivery))


def deliver_one() -> bool:
    """Worker step: claim one due delivery (optimistically) and send it; retry with back-off."""
    now = timezone.now()
    candidate = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id").values_list("pk", "attempts").first()
    )
    if candidate is None:
        return False
    pk, attempts = candidate
    lease = now + dt.timedelta(minutes=5)
    claimed = Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING, attempts=attempts).update(
        attempts=attempts + 1, next_attempt_at=lease)
    if not claimed:
        return True  # another worker took it; look again
    delivery = Delivery.objects.select_related("endpoint").get(pk=pk)
    try:
        _send(delivery)
    except Exception as exc:  # any transport failure is retried
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            next_attempt_at=now + dt.timedelta(seconds=min(3600, 30 * 2 ** delivery.attempts)),
            last_error=str(exc)[:1000])
        log.warning("delivery %s failed (attempt %s): %s", pk, delivery.attempts, exc)
    else:
        Delivery.objects.filter(pk=pk).update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="")
    return True
