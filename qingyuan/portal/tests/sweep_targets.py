"""The portal's routes for the scope sweep: public pages are open to everyone (their oracle is every
park, enterprise or published notice); the office's /public/manage/ pages follow Notice.visible_to."""

from __future__ import annotations

from typing import Any

from qingyuan.demo.tests.sweep_routes import Target


def _parks() -> Any:
    from qingyuan.org.models import Park

    return Park.objects.all()


def _enterprises() -> Any:
    from qingyuan.enterprises.models import Enterprise

    return Enterprise.objects.all()


def _notices() -> Any:
    from qingyuan.portal.models import Notice

    return Notice.objects.all()


def _subscriptions() -> Any:
    from qingyuan.portal.models import Subscription

    return Subscription.objects.all()


def _token(salt: str) -> Any:
    def kwargs(sub: Any) -> dict[str, Any]:
        from qingyuan.portal import actions

        return {"token": actions.confirm_token(sub) if salt == "confirm" else actions.unsubscribe_token(sub)}
    return kwargs


PARK = Target(_parks, lambda o: {"park_code": o.code}, lambda user: _parks())
ENTERPRISE = Target(_enterprises, lambda o: {"pk": o.pk}, lambda user: _enterprises())
MANAGED = Target(_notices, lambda o: {"pk": o.pk}, lambda user: _notices().visible_to(user))

TARGETS = {
    "public/park/<slug:park_code>/": PARK,
    "public/park/<slug:park_code>/map/": PARK,
    "public/park/<slug:park_code>/notices/": PARK,
    "public/park/<slug:park_code>/notices.atom": PARK,
    "public/park/<slug:park_code>/replies/": PARK,
    "public/park/<slug:park_code>/data/": PARK,
    "public/park/<slug:park_code>/data/daily.<str:fmt>": Target(_parks, lambda o: {"park_code": o.code, "fmt": "csv"},
                                                                 lambda user: _parks()),
    "public/park/<slug:park_code>/data/compliance.<str:fmt>": Target(
        _parks, lambda o: {"park_code": o.code, "fmt": "json"}, lambda user: _parks()),
    "public/park/<slug:park_code>/subscribe/": PARK,
    "public/enterprise/<int:pk>/": ENTERPRISE,
    "public/enterprise/<int:pk>/feed.atom": ENTERPRISE,
    "public/notice/<int:pk>/": Target(_notices, lambda o: {"pk": o.pk}, lambda user: _notices().public()),
    "public/subscription/confirm/<str:token>/": Target(_subscriptions, _token("confirm"),
                                                       lambda user: _subscriptions()),
    "public/subscription/leave/<str:token>/": Target(_subscriptions, _token("leave"), lambda user: _subscriptions()),
    "public/manage/<int:pk>/": MANAGED,
    "public/manage/<int:pk>/edit/": MANAGED,
    "public/manage/<int:pk>/transition/": MANAGED,
}
