"""Login throttling on top of django-axes: per account and, more loosely, per address.

Axes compares one failure count with one limit. ``AccountAndAddressHandler`` counts the
failures of the account (``username``) and of the address (``ip_address``) separately and
reports the account as locked when either reaches its own limit:
``AXES_FAILURE_LIMIT`` failures for one account, ``QINGYUAN_LOGIN_ADDRESS_LIMIT`` for one
address (many accounts tried from one place). Both the login form and
``POST /api/v1/auth/token`` go through ``django.contrib.auth.authenticate``, so both count.
Locks last ``AXES_COOLOFF_TIME``; an administrator lifts one early with the "Unlock login"
action on users (or ``qingyuan axes_reset_username <name>``). Each lockout writes one audit entry.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.core.models import AuditEntry


def _failures(attempts: Any) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with separate limits for the account and for the address."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        account, address = (_failures(qs) for qs in self.get_user_attempts(request, credentials))
        request.qingyuan_locked_by = ""
        if address >= settings.QINGYUAN_LOGIN_ADDRESS_LIMIT:
            request.qingyuan_locked_by = "address"
            return max(account, settings.AXES_FAILURE_LIMIT)
        if account >= settings.AXES_FAILURE_LIMIT:
            request.qingyuan_locked_by = "account"
        return account


def client_ip(request: HttpRequest) -> str | None:
    """The socket address, or behind a proxy the last entry of ``QINGYUAN_CLIENT_IP_HEADER``.

    The last entry is the one the proxy itself added, so a client cannot choose it.
    """
    header = settings.QINGYUAN_CLIENT_IP_HEADER
    if header:
        raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = raw.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(get_cool_off().total_seconds() // 60)
    return _(
        "Too many failed logins: this account or this address is locked for %(minutes)d minutes. "
        "Try again later, or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: JSON for the API, the login page with the message for people."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": lockout_message()}, status=status)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=status)


def _audit_lockout(sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any) -> None:
    """One audit entry per lockout, not one per refused attempt while it lasts."""
    since = timezone.now() - get_cool_off(request)
    after = {"username": username or "", "ip_address": ip_address or "",
             "by": getattr(request, "qingyuan_locked_by", "") or "account"}
    recent = AuditEntry.objects.filter(action="auth.lockout", time__gte=since,
                                       after__username=after["username"], after__ip_address=after["ip_address"])
    if recent.exists():
        return
    user = get_user_model().objects.filter(username=username).first() if username else None
    target = user or AccessAttempt.objects.filter(ip_address=ip_address).order_by("-attempt_time").first()
    if target is None:
        return
    audit.record("auth.lockout", target, acting_user=None, after=after, message=lockout_message())


def do_unlock_login(user: Any, *, acting_user: Any) -> int:
    """Lift the lockout of ``user``'s account (its failed attempts from every address)."""
    attempts = AccessAttempt.objects.filter(username=user.get_username())
    count = _failures(attempts)
    attempts.delete()
    audit.record("auth.unlock", user, acting_user=acting_user, before={"failures": count}, after={"failures": 0})
    return count


def connect_signals() -> None:
    user_locked_out.connect(_audit_lockout, dispatch_uid="qingyuan-audit-lockout")
