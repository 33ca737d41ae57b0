"""Crawler protection for the public pages: a per-address request budget per minute, and cached data.

Both live in Django's cache (the database cache, shared by every process). The address is kept as a
keyed hash. A request over the budget gets 429 with Retry-After; nothing is queried for it.
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


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if over_limit(request):
            response = HttpResponse(render_to_string("portal/limited.html", request=request), status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)
    return wrapper


def cached(key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s result, kept for QINGYUAN_PORTAL_CACHE_SECONDS (0: always computed)."""
    seconds = conf.get("QINGYUAN_PORTAL_CACHE_SECONDS")
    if not seconds:
        return compute()
    return cache.get_or_set(f"qingyuan:portal:{key}", compute, timeout=seconds)
