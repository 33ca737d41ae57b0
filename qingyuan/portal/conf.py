"""The portal's settings, read from the environment once at start-up (or Django settings of the same name)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from qingyuan.core.env import env_int, env_str

DEFAULTS: dict[str, Any] = {
    # Requests per client address per minute to the portal pages that query (cards, downloads, feeds).
    "QINGYUAN_PORTAL_RATE_LIMIT": env_int("QINGYUAN_PORTAL_RATE_LIMIT", 120, minimum=1, maximum=1_000_000),
    # Seconds a computed public page's data is kept in the cache.
    "QINGYUAN_PORTAL_CACHE_SECONDS": env_int("QINGYUAN_PORTAL_CACHE_SECONDS", 300, minimum=0, maximum=86400),
    # The portal's address as the public reaches it, for links in digest mails sent by the worker.
    "QINGYUAN_PORTAL_BASE_URL": env_str("QINGYUAN_PORTAL_BASE_URL", "http://localhost:8000"),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
