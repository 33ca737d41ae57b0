"""Whole rendered public pages, kept in Django's cache: a hit is one cache read and no other query.

The overview, the map and the enterprise cards have no per-visitor content (no CSRF token, no
session, nothing about the user), so one rendered copy serves everyone who reads the same language.
A page is keyed by its path, the language and the local publication day (``rules.today()``), so the
daily rule turns over at midnight exactly as the data cache does. The query string is not part of
the key: these views read none, so a crawler cannot bypass the cache with ``?x=1``.

Notices show at once: every copy carries the *generation* it was rendered under, and publishing or
withdrawing a notice replaces the generation (on commit). A hit reads the page and the generation in
one query (``get_many``) and is served only when they match, so a copy rendered before a withdrawal
is never served after it. The generation is read before the page is rendered, so a page rendered
while a notice changes is stored under the old generation and refused next time.

Only plain 200 answers are stored, and only when rendering set no cookie and touched neither the
session nor the CSRF token (``cacheable``); anything else is served as rendered and not kept.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from qingyuan.portal import conf, rules

GENERATION_KEY = "qingyuan:portal:generation"


def _new_generation() -> str:
    return uuid.uuid4().hex


def bump_generation() -> None:
    """Make every stored page stale (a notice was published or withdrawn); runs after the commit."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, _new_generation(), timeout=None))


def page_key(request: HttpRequest) -> str:
    path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    return f"qingyuan:portal:page:{rules.today().isoformat()}:{get_language()}:{path}"


def _current_generation(found: dict[str, Any]) -> str:
    generation = found.get(GENERATION_KEY)
    if generation is None:  # never set, or culled: a fresh one, so no copy from before can match
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return str(generation)


def cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.accessed))


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the stored copy of this GET page, or render it (the view's own limits apply) and store it."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = conf.get("QINGYUAN_PORTAL_CACHE_SECONDS")
        if request.method != "GET" or not seconds:
            return view(request, *args, **kwargs)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = _current_generation(found)
        page = found.get(key)
        if page is not None and page["generation"] == generation:
            return HttpResponse(page["content"], content_type=page["content_type"])
        response = view(request, *args, **kwargs)
        if cacheable(request, response):
            cache.set(key, {"generation": generation, "content": response.content,
                            "content_type": response["Content-Type"]}, timeout=seconds)
        return response
    return wrapper
