"""Abuse protection without a third-party service: a per-IP rate limit, a honeypot field
and a small arithmetic challenge signed with ``django.core.signing``.

The limit uses Django's cache (the default LocMemCache counts per process; configure
the database cache to count across processes). Each challenge can be answered once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.cache import cache

from qingyuan.complaints import conf

WINDOW_SECONDS = 3600
CHALLENGE_SALT = "qingyuan.complaints.challenge"
CHALLENGE_MAX_AGE = 2 * 3600
HONEYPOT = "website"  # a field people never see and bots fill in


class ChallengeReused(Exception):
    """The right answer, but the challenge was already used (a replayed submission)."""


def client_ip(request: Any) -> str:
    header = conf.get("QINGYUAN_COMPLAINT_IP_HEADER")
    if header:
        value = request.headers.get(header, "")
        if value:
            return value.split(",")[0].strip()[:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _key(ip: str) -> str:
    return f"qingyuan:complaints:rate:{ip}"


def _recent(ip: str, now: float) -> list[float]:
    return [t for t in cache.get(_key(ip), []) if t > now - WINDOW_SECONDS]


def limited(request: Any) -> bool:
    """True when this address has used up its submissions for the hour."""
    return len(_recent(client_ip(request), time.time())) >= conf.get("QINGYUAN_COMPLAINT_RATE_LIMIT")


def hit(request: Any) -> None:
    """Count one submission (or one failed challenge) against the address."""
    ip, now = client_ip(request), time.time()
    cache.set(_key(ip), [*_recent(ip, now), now], WINDOW_SECONDS)


@dataclass(frozen=True)
class Challenge:
    a: int
    b: int
    token: str

    @property
    def question(self) -> str:
        return f"{self.a} + {self.b} = ?"


def new_challenge() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(8)}, salt=CHALLENGE_SALT, compress=True)
    return Challenge(a, b, token)


def solve(token: str) -> int | None:
    """The answer a token asks for (for tests and for re-rendering the question), or None."""
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        return int(data["a"]) + int(data["b"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def question_of(token: str) -> str:
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        return f"{int(data['a'])} + {int(data['b'])} = ?"
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return ""


def answer_ok(token: str, answer: Any) -> bool:
    """Right answer to a genuine, recent token (whether or not it was used)."""
    expected = solve(token or "")
    try:
        return expected is not None and int(str(answer).strip()) == expected
    except (TypeError, ValueError):
        return False


def consume(token: str) -> bool:
    """Mark the token used; False if it was used before (a replayed submission)."""
    try:
        nonce = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE).get("n", "")
    except (signing.BadSignature, AttributeError):
        return False
    return cache.add(f"qingyuan:complaints:challenge:{nonce}", 1, CHALLENGE_MAX_AGE)


def check_challenge(token: str, answer: Any) -> bool:
    """Right answer to a genuine, recent token that was not used before (and now is)."""
    return answer_ok(token, answer) and consume(token)
