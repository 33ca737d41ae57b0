from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qingyuan.core.plugins import menu_for
from qingyuan.org.actor import actor_for


def nav(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_for(user)
    person = getattr(user, "person", None)
    return {
        "nav": {
            "park_wide": actor.is_superuser or bool(actor.park_wide_ids),
            "display_name": person.name if person else user.get_username(),
            "actor": actor,
            "menu": menu_for(actor),
        }
    }
