"""``{% enterprise_link enterprise %}``: the enterprise's name, linked to its page when the reader may open it.

Park-wide roles open every enterprise of their parks; an enterprise user opens only its own
(``Enterprise.objects.visible_to``). Elsewhere the name is plain text, so no page links to a 404.
Pollutant names: ``{% load pollutants %}`` (qingyuan.core.templatetags.pollutants).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from qingyuan.enterprises.models import EnterpriseAccount
from qingyuan.org.actor import actor_for

register = template.Library()


def _own_ids(user: Any) -> frozenset[int]:
    """The enterprises the user acts for; one query per request, cached on the user."""
    cached = getattr(user, "_qingyuan_own_enterprises", None)
    if cached is None:
        cached = frozenset(EnterpriseAccount.objects.filter(user_id=user.pk).values_list("enterprise_id", flat=True))
        user._qingyuan_own_enterprises = cached
    return cached


def opens(user: Any, enterprise_id: int, park_id: int | None = None) -> bool:
    actor = actor_for(user)
    if not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    if park_id is not None and park_id in actor.park_wide_ids:
        return True
    if park_id is None and actor.park_wide_ids:
        return True
    return enterprise_id in _own_ids(user)


@register.simple_tag(takes_context=True)
def enterprise_link(context: Any, enterprise: Any, name: Any = None) -> str:
    """The linked name (``name`` overrides the enterprise's); "" for no enterprise."""
    if enterprise is None:
        return ""
    text = name if name is not None else enterprise.name
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not opens(user, enterprise.pk, getattr(enterprise, "park_id", None)):
        return format_html("{}", text)
    return format_html('<a href="{}">{}</a>', reverse("enterprises:detail", args=[enterprise.pk]), text)
