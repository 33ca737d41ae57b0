"""Access helpers shared by every app.

Each app scopes its models with ``Model.objects.visible_to(user)`` and answers
``access_<model>(user, pk, *, for_write=False)``; both "not found" and "not yours"
raise Http404 so nothing leaks whether a record exists.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def get_visible(queryset: models.QuerySet[M], **lookup: Any) -> M:
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def deny() -> Http404:
    return Http404()
