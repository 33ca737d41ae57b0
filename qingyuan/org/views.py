from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.org import spreadsheet
from qingyuan.org.access import access_unit
from qingyuan.org.models import Membership, Unit


def _units(request: HttpRequest) -> Any:
    """The units the list shows for this user (the page and its export)."""
    return (
        Unit.objects.visible_to(request.user)
        .select_related("park", "parent")
        .annotate(enterprise_count=Count("linked_enterprises", distinct=True))
        .order_by("park__name", "sort_order", "name")
    )


def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/unit_list.html", {"units": _units(request)})


@reads_from_replica
def unit_export(request: HttpRequest) -> HttpResponse:
    return spreadsheet.response(_units(request))


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    # The reverse relation of enterprises' ``linked_unit`` (its manager has ``visible_to``): org imports no domain app.
    enterprises = unit.linked_enterprises.visible_to(request.user).order_by("name")
    members = Membership.objects.filter(unit=unit, is_active=True).select_related("user__person").order_by("role")
    return render(
        request,
        "org/unit_detail.html",
        {"unit": unit, "enterprises": enterprises, "members": members, "children": unit.children.all()},
    )
