"""The demo accounts' inboxes after a seeded year: what a year of use would have read is read.

The seed's actions notify as the application does, and the notifications are sent when the seed
commits, all at the seeding minute; left alone, the office would open the demo to some 340 unread
messages about work finished months ago (issue 11: "one notification per event", not a flood).
Each account keeps its newest few unread, so the badge and the inbox still show how it works.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from qingyuan.core.models import Notification

KEEP_UNREAD = 8


def settle(keep: int = KEEP_UNREAD) -> int:
    """Mark all but each recipient's ``keep`` newest unread notifications read; returns how many."""
    unread = Notification.objects.filter(read_at__isnull=True)
    now, marked = timezone.now(), 0
    crowded = unread.values("recipient").annotate(n=Count("pk")).filter(n__gt=keep).values_list("recipient", flat=True)
    for recipient in crowded:
        newest = list(unread.filter(recipient=recipient).order_by("-pk").values_list("pk", flat=True)[:keep])
        marked += unread.filter(recipient=recipient).exclude(pk__in=newest).update(read_at=now)
    return marked
