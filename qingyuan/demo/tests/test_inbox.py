"""After the seed, each demo account keeps only its newest few notifications unread."""

from __future__ import annotations

from typing import Any

from qingyuan.core.models import Notification
from qingyuan.demo import inbox


def _notify(user: Any, n: int) -> list[int]:
    return [Notification.objects.create(recipient=user, kind="assignment.issued", title=f"#{i}").pk for i in range(n)]


def test_it_keeps_each_accounts_newest_unread_and_marks_the_rest_read(world: Any) -> None:
    crowded = _notify(world.officer, 12)
    quiet = _notify(world.township, 3)
    assert inbox.settle(keep=8) == 4
    unread = set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True))
    assert unread == set(crowded[-8:]) | set(quiet)
    assert inbox.settle(keep=8) == 0  # a second run changes nothing
