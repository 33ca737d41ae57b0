"""Pieces every app's API router shares: the error shape, paging and their OpenAPI responses."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    error: str
    detail: Any | None = None


# Responses every authenticated endpoint may give, so clients see them in the OpenAPI schema.
ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(25, ge=1, le=200)


def paginate(qs: Any, paging: Paging) -> dict[str, Any]:
    paginator = Paginator(qs, paging.page_size)
    if paging.page > max(paginator.num_pages, 1):
        raise Http404
    return {"count": paginator.count, "page": paging.page, "page_size": paging.page_size,
            "results": list(paginator.page(paging.page).object_list)}
