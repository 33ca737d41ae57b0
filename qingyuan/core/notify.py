"""Notifications: written to the in-app inbox once the surrounding transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from qingyuan.core.models import Notification


def notify(recipients: Iterable[Any], *, kind: str, title: str, body: str = "", url: str = "") -> None:
    """Queue one inbox entry per distinct active recipient, written after commit."""
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    if not users:
        return

    def deliver() -> None:
        Notification.objects.bulk_create(
            Notification(recipient_id=pk, kind=kind, title=title[:200], body=body, url=url) for pk in users
        )

    transaction.on_commit(deliver)


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
