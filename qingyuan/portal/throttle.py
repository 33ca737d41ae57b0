"""Crawler protection for the public pages: cached data, and a per-address budget of requests that query.

Both live in Django's cache (the database cache, shared by every process). A page whose data are in
the cache costs one cache read and is not counted; a request that has to compute (a cache miss, a
download, a feed, a subscription) is counted against its address (kept as a keyed hash), and over
the budget gets 429 with Retry-After, with nothing queried for it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from qingyuan.core.throttle import client_ip
from qingyuan.portal import conf


def _key(request: HttpRequest, minute: int) -> str:
    address = salted_hmac("qingyuan.portal.rate", client_ip(request) or "unknown", algorithm="sha256").hexdigest()
    return f"qingyuan:portal:rate:{address[:32]}:{minute}"


def over_limit(request: HttpRequest) -> bool:
    """Count this request against its address; True when the minute's budget is used up."""
    minute = int(time.time() // 60)
    key = _key(request, minute)
    if cache.add(key, 1, timeout=90):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=90)
            count = 1
    return count > conf.get("QINGYUAN_PORTAL_RATE_LIMIT")


class RateLimited(Exception):
    """The address used up its budget; the view answers 429."""


def limited_response(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(render_to_string("portal/limited.html", request=request), status=429)
    response["Retry-After"] = "60"
    return response


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count every request of this view (downloads, feeds, forms: they always query)."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if over_limit(request):
            return limited_response(request)
        return view(request, *args, **kwargs)
    return wrapper


def limited_on_miss(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 429 when ``cached(..., request=request)`` had to compute and the budget was used up."""
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RateLimited:
            return limited_response(request)
    return wrapper


_MISSING = object()


def cached(key: str, compute: Callable[[], Any], *, request: HttpRequest | None = None) -> Any:
    """``compute()``'s result, kept for QINGYUAN_PORTAL_CACHE_SECONDS (0: always computed).

    With ``request``, a computation counts against the address's budget (``RateLimited`` over it)."""
    seconds = conf.get("QINGYUAN_PORTAL_CACHE_SECONDS")
    full_key = f"qingyuan:portal:{key}"
    value = cache.get(full_key, _MISSING) if seconds else _MISSING
    if value is not _MISSING:
        return value
    if request is not None and over_limit(request):
        raise RateLimited
    value = compute()
    if seconds:
        cache.set(full_key, value, timeout=seconds)
    return value
