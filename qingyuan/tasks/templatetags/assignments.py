from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def due_text(a: Any, today: dt.date) -> str:
    """“3 days left”, “due today”, “5 days overdue” (nothing once closed)."""
    if not a.is_open:
        return ""
    days = (a.deadline - today).days
    if days > 0:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}


@register.filter
def edits_policy(user: Any) -> bool:
    """Whether ``user`` may open the escalation policy page (the tab is offered only then)."""
    from qingyuan.tasks.access import issuing_parks
    from qingyuan.tasks.policy import can_edit_policy

    return any(can_edit_policy(user, p.pk) for p in issuing_parks(user))
