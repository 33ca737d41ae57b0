"""API bearer tokens: issue, check and revoke them (only a hash of the key is stored).

A user holds at most ``QINGYUAN_API_TOKEN_MAX`` active tokens: issuing one more revokes
the oldest. Changing the password (not a hash upgrade), making it unusable or deactivating
the user revokes all of them (``end_tokens_on_credential_change``, connected in
``CoreConfig.ready``). Every issue and revocation writes an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.core.models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def public_fields(token: ApiToken) -> dict[str, Any]:
    """What a token may show of itself: never the key nor its hash."""
    return {"id": token.pk, "user_id": token.user_id, "name": token.name, "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat()}


@transaction.atomic
def do_issue_api_token(user: Any, *, name: str = "", acting_user: Any) -> tuple[str, ApiToken]:
    """A new token for ``user``; returns the key (shown once) and the stored row."""
    key = "qy_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        key_hash=_hash(key),
        prefix=key[3:11],
        expires_at=timezone.now() + dt.timedelta(days=settings.QINGYUAN_API_TOKEN_DAYS),
    )
    audit.record("api_token.issue", token, acting_user=acting_user, related=user, after=public_fields(token))
    surplus = ApiToken.objects.active().filter(user=user).order_by("-created_at", "-id")[
        settings.QINGYUAN_API_TOKEN_MAX:
    ]
    for old in list(surplus):
        do_revoke_api_token(old, acting_user=acting_user, reason=_("Token limit reached; the oldest was revoked."))
    return key, token


def issue(user: Any, *, name: str = "") -> tuple[str, ApiToken]:
    """A token issued by the system (tests, benches, scripts): ``do_issue_api_token`` with no acting user."""
    return do_issue_api_token(user, name=name, acting_user=None)


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, acting_user: Any, reason: str = "") -> bool:
    """Revoke one token; False (and no entry) when it was already revoked."""
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    token.revoked_at = now
    audit.record("api_token.revoke", token, acting_user=acting_user, related=token.user,
                 before={"revoked_at": None}, after={"revoked_at": now.isoformat()}, message=reason)
    return True


def do_revoke_api_tokens_of(user: Any, *, acting_user: Any, reason: str) -> int:
    """Revoke every token of ``user`` that is not revoked yet; returns how many."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_related("user")
    return sum(do_revoke_api_token(token, acting_user=acting_user, reason=reason) for token in tokens)


def user_for(key: str) -> Any | None:
    """The active user a presented key belongs to, or None (unknown, revoked, expired, inactive)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- credential changes end every token -----------------------------------------------------

_WATCHED = {"password", "is_active"}


def _note_credential_change(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    instance._qingyuan_end_tokens = ""
    if instance.pk is None or (update_fields is not None and not _WATCHED & set(update_fields)):
        return
    old = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    if old["is_active"] and not instance.is_active:
        instance._qingyuan_end_tokens = _("User deactivated.")
    elif old["password"] != instance.password:
        # Django's hash upgrade on login sets the hash with _password None: not a new password.
        if getattr(instance, "_password", None) is not None or not instance.has_usable_password():
            instance._qingyuan_end_tokens = _("Password changed.")


def _end_tokens(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    reason = getattr(instance, "_qingyuan_end_tokens", "")
    if reason:
        instance._qingyuan_end_tokens = ""
        do_revoke_api_tokens_of(instance, acting_user=None, reason=reason)


def connect_signals() -> None:
    user_model = get_user_model()
    pre_save.connect(_note_credential_change, sender=user_model, dispatch_uid="qingyuan-tokens-pre")
    post_save.connect(_end_tokens, sender=user_model, dispatch_uid="qingyuan-tokens-post")
