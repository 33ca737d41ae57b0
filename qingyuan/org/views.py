from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qingyuan.enterprises.models import Enterprise
from qingyuan.org.access import access_unit
from qingyuan.org.models import Membership, Unit


def unit_list(request: HttpRequest) -> HttpResponse:
    units = (
        Unit.objects.visible_to(request.user)
        .select_related("park", "parent")
        .annotate(enterprise_count=Count("linked_enterprises", distinct=True))
        .order_by("park__name", "sort_order", "name")
    )
    return render(request, "org/unit_list.html", {"units": units})


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    enterprises = Enterprise.objects.visible_to(request.user).filter(linked_unit=unit).order_by("name")
    members = Membership.objects.filter(unit=unit, is_active=True).select_related("user__person").order_by("role")
    return render(
        request,
        "org/unit_detail.html",
        {"unit": unit, "enterprises": enterprises, "members": members, "children": unit.children.all()},
    )
