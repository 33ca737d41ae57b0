from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import notify, tokens, work
from qingyuan.core.htmx import render_page
from qingyuan.core.models import ApiToken, Notification, NotificationPreference


def inbox(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    qs = Notification.objects.filter(recipient=request.user)
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render_page(
        request, "core/inbox.html", {"page": page, "only_unread": only_unread}, partial="core/partials/inbox_list.html"
    )


@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    if request.headers.get("HX-Request"):  # the inbox's script, as the link to the object is followed
        return HttpResponse(status=204)
    return redirect(note.url or "core:inbox")


@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:inbox")


def preferences(request: HttpRequest) -> HttpResponse:
    """Per kind of notification: receive it in the inbox, by e-mail, both or neither."""
    kinds = sorted(notify.KINDS.items(), key=lambda item: item[0])
    current = {p.kind: p for p in NotificationPreference.objects.filter(user=request.user)}
    if request.method == "POST":
        for kind, _label in kinds:
            NotificationPreference.objects.update_or_create(
                user=request.user, kind=kind,
                defaults={"inbox": request.POST.get(f"inbox-{kind}") == "on",
                          "email": request.POST.get(f"email-{kind}") == "on"})
        messages.success(request, _("Notification settings saved."))
        return redirect("core:preferences")
    rows = [(kind, label, current[kind].inbox if kind in current else True,
             current[kind].email if kind in current else False) for kind, label in kinds]
    return render(request, "core/preferences.html", {"rows": rows, "has_email": bool(request.user.email)})


def my_work(request: HttpRequest) -> HttpResponse:
    """What waits on the user, across every app, most urgent first."""
    today = timezone.localdate()
    items = work.items_for(request.user, today)
    return render(request, "core/my_work.html", {"items": items, "today": today})


def account(request: HttpRequest) -> HttpResponse:
    """My account: the password, and the API tokens (a new one's key is shown once, here)."""
    new_key = ""
    if request.method == "POST":
        new_key, _token = tokens.do_issue_api_token(request.user, name=request.POST.get("name", ""),
                                                    acting_user=request.user)
    rows = ApiToken.objects.active().filter(user=request.user)
    return render(request, "core/account.html", {"tokens": rows, "new_key": new_key})


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.active(), pk=pk, user=request.user)
    tokens.do_revoke_api_token(token, acting_user=request.user, reason=_("Revoked by its owner."))
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("core:account")


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change (validators apply); saving it revokes every API token (core.tokens)."""

    success_url = reverse_lazy("core:account")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        messages.success(self.request, _("Password changed. Your API tokens were revoked."))
        return response
