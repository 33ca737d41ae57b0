"""Abuse protection without a third-party service: per-address limits, a honeypot field and a
small arithmetic challenge.

Everything that must hold across web workers lives in the database, which every process shares:

- Limits count ``RateHit`` rows (one per counted request, the address as a keyed hash). An attempt
  is *reserved* first (its row committed), then the rows in the window are counted including it, so
  two processes racing for the last slot cannot both get it.
- A challenge token carries only a random nonce, signed. The numbers are derived from the nonce
  with a key only the server holds (``SECRET_KEY``), so the token does not reveal the question or
  its answer. A token is accepted once: ``consume`` inserts the nonce into ``ChallengeUse``
  (unique) inside the submission's transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from qingyuan.complaints import conf
from qingyuan.complaints.models import ChallengeUse, RateHit
from qingyuan.core import throttle

CHALLENGE_SALT = "qingyuan.complaints.challenge"
CHALLENGE_MAX_AGE = 2 * 3600
HONEYPOT = "website"  # a field people never see and bots fill in
SUBMIT = "submit"
LOOKUP = "lookup"


class ChallengeReused(Exception):
    """The right answer, but the challenge was already used (a replayed submission)."""


def client_ip(request: Any) -> str:
    """The address limits count against: the complaint header when set, else the login throttle's rule."""
    header = conf.get("QINGYUAN_COMPLAINT_IP_HEADER")
    if header:
        value = request.headers.get(header, "").split(",")[-1].strip()  # the entry the proxy added
        if value:
            return value[:64]
    return (throttle.client_ip(request) or "unknown")[:64]


# ---- limits --------------------------------------------------------------------------------------

def _limit(scope: str) -> tuple[int, dt.timedelta]:
    if scope == SUBMIT:
        return conf.get("QINGYUAN_COMPLAINT_RATE_LIMIT"), dt.timedelta(hours=1)
    return (conf.get("QINGYUAN_COMPLAINT_LOOKUP_LIMIT"),
            dt.timedelta(minutes=conf.get("QINGYUAN_COMPLAINT_LOOKUP_MINUTES")))


def _address(request: Any) -> str:
    return salted_hmac("qingyuan.complaints.ratelimit", client_ip(request), algorithm="sha256").hexdigest()


def _count(scope: str, address: str, since: dt.datetime) -> int:
    return RateHit.objects.filter(scope=scope, address=address, at__gt=since).count()


def limited(request: Any, scope: str = SUBMIT) -> bool:
    """True when this address has used up its requests of this kind for the window."""
    limit, window = _limit(scope)
    return _count(scope, _address(request), timezone.now() - window) >= limit


def reserve(request: Any, scope: str = SUBMIT) -> RateHit | None:
    """Count this request against the address, or None (nothing counted) when over the limit.

    Call it outside any transaction: the row is then committed before counting, so concurrent
    requests in other processes see it.
    """
    limit, window = _limit(scope)
    now, address = timezone.now(), _address(request)
    hit = RateHit.objects.create(scope=scope, address=address, at=now)
    if _count(scope, address, now - window) > limit:
        hit.delete()
        return None
    if secrets.randbelow(50) == 0:  # now and then, forget what no window looks at any more
        prune(now)
    return hit


def release(hit: RateHit | None) -> None:
    """Do not count a reserved request after all (the form had mistakes: nothing was sent)."""
    if hit is not None:
        RateHit.objects.filter(pk=hit.pk).delete()


def hit(request: Any, scope: str = SUBMIT) -> None:
    """Count one request against the address (whatever the limit)."""
    RateHit.objects.create(scope=scope, address=_address(request), at=timezone.now())


def prune(now: dt.datetime | None = None) -> int:
    """Delete hits older than every window, and challenge uses older than any token still valid."""
    now = now or timezone.now()
    longest = max(_limit(SUBMIT)[1], _limit(LOOKUP)[1])
    hits = RateHit.objects.filter(at__lt=now - longest).delete()[0]
    uses = ChallengeUse.objects.filter(used_at__lt=now - dt.timedelta(seconds=CHALLENGE_MAX_AGE + 60)).delete()[0]
    return hits + uses


# ---- the challenge -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Challenge:
    a: int
    b: int
    token: str

    @property
    def question(self) -> str:
        return f"{self.a} + {self.b} = ?"


def _numbers(nonce: str) -> tuple[int, int]:
    digest = salted_hmac(CHALLENGE_SALT, nonce, algorithm="sha256").digest()
    return digest[0] % 9 + 1, digest[1] % 9 + 1


def _nonce(token: str) -> str | None:
    try:
        nonce = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        return None
    return nonce if isinstance(nonce, str) and 16 <= len(nonce) <= 64 else None


def new_challenge() -> Challenge:
    nonce = secrets.token_hex(16)
    a, b = _numbers(nonce)
    return Challenge(a, b, signing.dumps(nonce, salt=CHALLENGE_SALT))


def solve(token: str) -> int | None:
    """The answer a token asks for (tests and the server only: it needs the key), or None."""
    nonce = _nonce(token)
    return None if nonce is None else sum(_numbers(nonce))


def question_of(token: str) -> str:
    nonce = _nonce(token)
    if nonce is None:
        return ""
    a, b = _numbers(nonce)
    return f"{a} + {b} = ?"


def answer_ok(token: str, answer: Any) -> bool:
    """Right answer to a genuine, recent token (whether or not it was used)."""
    expected = solve(token or "")
    try:
        return expected is not None and int(str(answer).strip()) == expected
    except (TypeError, ValueError):
        return False


def consume(token: str) -> bool:
    """Mark the token used, in the caller's transaction; False if it was used before (a replay).

    The unique nonce makes the database the judge: of two submissions racing with one token, the
    second insert fails (PostgreSQL makes it wait for the first to commit).
    """
    nonce = _nonce(token)
    if nonce is None:
        return False
    try:
        with transaction.atomic():
            ChallengeUse.objects.create(nonce=nonce, used_at=timezone.now())
    except IntegrityError:
        return False
    return True


def check_challenge(token: str, answer: Any) -> bool:
    """Right answer to a genuine, recent token that was not used before (and now is)."""
    return answer_ok(token, answer) and consume(token)
