"""The complaint app's settings, read from the environment once at start-up.

Each can also be set as a Django setting of the same name (tests do). They are listed
in docs/complaints.md (and docs/configuration.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from qingyuan.core.env import env_int, env_str

DEFAULTS: dict[str, Any] = {
    # Base map tiles for Leaflet, e.g. https://tile.example.org/{z}/{x}/{y}.png. Empty: no base
    # map (the park boundary and markers still show), so the maps work offline.
    "QINGYUAN_MAP_TILE_URL": env_str("QINGYUAN_MAP_TILE_URL", ""),
    "QINGYUAN_MAP_TILE_ATTRIBUTION": env_str("QINGYUAN_MAP_TILE_ATTRIBUTION", ""),
    # Public submissions (web form and API) per IP address per hour.
    "QINGYUAN_COMPLAINT_RATE_LIMIT": env_int("QINGYUAN_COMPLAINT_RATE_LIMIT", 5, minimum=1, maximum=10000),
    # Tracking-code lookups (page, API, rating, review) per IP address per window of so many minutes.
    "QINGYUAN_COMPLAINT_LOOKUP_LIMIT": env_int("QINGYUAN_COMPLAINT_LOOKUP_LIMIT", 20, minimum=1, maximum=100000),
    "QINGYUAN_COMPLAINT_LOOKUP_MINUTES": env_int("QINGYUAN_COMPLAINT_LOOKUP_MINUTES", 10, minimum=1, maximum=1440),
    # Wrong PINs after which a complaint can no longer be rated or reviewed from the public side.
    "QINGYUAN_COMPLAINT_PIN_ATTEMPTS": env_int("QINGYUAN_COMPLAINT_PIN_ATTEMPTS", 5, minimum=1, maximum=100),
    # Behind a reverse proxy: the header holding the client address (e.g. X-Real-IP). Empty: REMOTE_ADDR.
    "QINGYUAN_COMPLAINT_IP_HEADER": env_str("QINGYUAN_COMPLAINT_IP_HEADER", ""),
    # Largest photo a citizen may upload, in MB (at most 4 photos).
    "QINGYUAN_COMPLAINT_PHOTO_MAX_MB": env_int("QINGYUAN_COMPLAINT_PHOTO_MAX_MB", 8, minimum=1, maximum=50),
    # Warn the office this many days before the year ends when the coming year's rest days (the State
    # Council's holiday notice) are not in the calendar; 31 = from December 1.
    "QINGYUAN_REST_DAYS_WARN_DAYS": env_int("QINGYUAN_REST_DAYS_WARN_DAYS", 31, minimum=1, maximum=366),
    # Dotted path of the SMS backend class (see qingyuan/complaints/sms.py).
    "QINGYUAN_SMS_BACKEND": env_str("QINGYUAN_SMS_BACKEND", "qingyuan.complaints.sms.LogBackend"),
}

MAX_PHOTOS = 4


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
