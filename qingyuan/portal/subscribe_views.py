"""E-mail subscriptions from the public side: ask, confirm by the mailed link (double opt-in), leave.

The answer to a request is the same whether the address was new, pending or already confirmed, so the
page does not reveal who subscribes. Confirming and unsubscribing take a POST from the page the
link opens (mail scanners that fetch links do not confirm anything).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingyuan.portal import actions, digest
from qingyuan.portal.forms import SubscribeForm
from qingyuan.portal.throttle import rate_limited
from qingyuan.portal.views import park_by_code


@login_not_required
@rate_limited
def subscribe(request: HttpRequest, park_code: str) -> HttpResponse:
    park = park_by_code(park_code)
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST, park=park)
        if form.data.get("website"):
            form.add_error(None, _("The form was filled in automatically and was not sent."))
            status = 400
        elif form.is_valid():
            sub, mail = actions.do_subscribe(park, form.cleaned_data["enterprise"], form.cleaned_data["email"])
            if mail:
                digest.send_confirmation(sub, base=request.build_absolute_uri("/"))
            return render(request, "portal/subscribe_sent.html", {"park": park})
        else:
            status = 400
    else:
        form = SubscribeForm(park=park, initial={"enterprise": request.GET.get("enterprise")})
    return render(request, "portal/subscribe.html", {"park": park, "form": form}, status=status)


def _subscription(token: str, salt: str, max_age: int | None = None):  # type: ignore[no-untyped-def]
    sub = actions.subscription_for(token, salt=salt, max_age=max_age)
    if sub is None:
        raise Http404
    return sub


@login_not_required
@rate_limited
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    sub = _subscription(token, actions.CONFIRM_SALT, actions.CONFIRM_MAX_AGE)
    done = False
    if request.method == "POST":
        actions.do_confirm_subscription(sub)
        done = True
    return render(request, "portal/confirm.html", {"park": sub.park, "sub": sub, "done": done,
                                                   "topic": sub.enterprise.name if sub.enterprise else sub.park.name})


@login_not_required
@rate_limited
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    sub = _subscription(token, actions.UNSUBSCRIBE_SALT)
    done = sub.unsubscribed_at is not None
    if request.method == "POST":
        actions.do_unsubscribe(sub)
        done = True
    return render(request, "portal/unsubscribe.html", {"park": sub.park, "done": done,
                                                       "topic": sub.enterprise.name if sub.enterprise else sub.park.name})
