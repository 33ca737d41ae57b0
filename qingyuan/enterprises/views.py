from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import workflow
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.excel import SpreadsheetError, xlsx_response
from qingyuan.core.htmx import render_page
from qingyuan.enterprises import actions, page, spreadsheet, story
from qingyuan.enterprises.access import access_enterprise, can_create_in, can_edit, enterprise_roles
from qingyuan.enterprises.filters import EnterpriseFilter
from qingyuan.enterprises.forms import EnterpriseForm, ImportForm, TransitionForm
from qingyuan.enterprises.lifecycle import CLOSURE_TRANSITIONS, LIFECYCLE
from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet, Permit
from qingyuan.enterprises.registry_forms import OutletForm, PermitForm, PermitLimitFormSet, PointForm
from qingyuan.org.actor import actor_for


def _filtered(request: HttpRequest) -> tuple[EnterpriseFilter, object]:
    form = EnterpriseFilter(request.GET or None, user=request.user)
    qs = Enterprise.objects.visible_to(request.user).select_related("park", "linked_unit")
    return form, (form.apply(qs) if request.GET else qs)


def enterprise_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs.order_by("name", "id"), settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    actor = actor_for(request.user)
    can_create = actor.is_superuser or any(actor.manages_park(p) for p in actor.roles_by_park)
    return render_page(
        request,
        "enterprises/list.html",
        {"filter": form, "page": page, "can_create": can_create},
        partial="enterprises/partials/table.html",
    )


@reads_from_replica
def enterprise_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    content = spreadsheet.export_bytes(qs.order_by("name", "id"))
    return xlsx_response(content, f"enterprises-{timezone.localdate():%Y%m%d}.xlsx")


def enterprise_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(spreadsheet.template_bytes(), "enterprise-import-template.xlsx")


def enterprise_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["park"].queryset.exists():
        raise PermissionDenied
    errors: list[spreadsheet.RowError] = []
    if request.method == "POST" and form.is_valid():
        park = form.cleaned_data["park"]
        try:
            rows, errors = spreadsheet.parse(form.cleaned_data["file"], park,
                                             max_rows=settings.QINGYUAN_IMPORT_MAX_ROWS)
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            if not errors:
                created = actions.do_create_enterprises(rows, acting_user=request.user, source="excel")
                messages.success(request, _("%(n)d enterprises imported.") % {"n": len(created)})
                return redirect("enterprises:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "enterprises/import.html", {"form": form, "errors": errors}, status=status)


def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk)
    roles = enterprise_roles(request.user, enterprise)
    points = MonitoringPoint.objects.filter(outlet__enterprise=enterprise).select_related("outlet")
    permits = Permit.objects.filter(enterprise=enterprise).prefetch_related(
        Prefetch("limits", to_attr="limit_rows"))
    context = {
        "enterprise": enterprise,
        "outlets": enterprise.outlets.select_related("receiving_plant"),
        "indirect_inflows": enterprise.indirect_outlets.select_related("enterprise").order_by(
            "enterprise__name", "code"),
        "points": points,
        "permits": permits,
        "history": [(h, LIFECYCLE.label(h.from_state), LIFECYCLE.label(h.to_state))
                    for h in workflow.history(enterprise)],
        # Closed, relocated, transformed: reached through a closure case, not by hand (issue 13).
        "transitions": [t for t in LIFECYCLE.available(enterprise.status, roles) if t.name not in CLOSURE_TRANSITIONS],
        "can_edit": can_edit(request.user, enterprise),
        "today": timezone.localdate(),
        **story.gather(enterprise, request.user),
    }
    return render(request, "enterprises/detail.html", context)


def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None, user=request.user)
    if not form.fields["park"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        if not can_create_in(request.user, form.cleaned_data["park"].pk):
            raise PermissionDenied
        enterprise = actions.do_create_enterprise(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Enterprise created."))
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form}, status=400 if form.errors else 200)


def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk, for_write=True)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "park"}
        fresh = Enterprise.objects.get(pk=enterprise.pk)
        actions.do_update_enterprise(fresh, acting_user=request.user, **changes)
        messages.success(request, _("Changes saved."))
        return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise},
                  status=400 if form.errors else 200)


@require_POST
def enterprise_transition(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect("enterprises:detail", pk=pk)
    chosen = LIFECYCLE.get(form.cleaned_data["transition"])
    if chosen is not None and chosen.name in CLOSURE_TRANSITIONS and chosen.allows(enterprise_roles(
            request.user, enterprise)):
        messages.error(request, _("Closure, relocation and conversion follow a closure case: open one, or verify "
                                  "its final check, at %(url)s.") % {"url": page.link("closure", enterprise)})
        return redirect("enterprises:detail", pk=pk)
    try:
        actions.do_transition_enterprise(
            enterprise, form.cleaned_data["transition"], acting_user=request.user,
            reason=form.cleaned_data["reason"], effective_date=form.cleaned_data["effective_date"])
    except workflow.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {"status": enterprise.get_status_display()})
    return redirect("enterprises:detail", pk=pk)


def outlet_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk, for_write=True)
    form = OutletForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        actions.do_create_outlet(enterprise, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Outlet added."))
        return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/registry_form.html",
                  {"form": form, "enterprise": enterprise, "title": _("New outlet")}, status=400 if form.errors else 200)


def outlet_edit(request: HttpRequest, pk: int, outlet_pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk, for_write=True)
    outlet = get_object_or_404(Outlet, pk=outlet_pk, enterprise=enterprise)
    form = OutletForm(request.POST or None, instance=outlet, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        actions.do_update_outlet(outlet, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Changes saved."))
        return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/registry_form.html",
                  {"form": form, "enterprise": enterprise, "title": _("Edit outlet %(code)s") % {"code": outlet.code}},
                  status=400 if form.errors else 200)


def point_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk, for_write=True)
    form = PointForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        actions.do_create_point(acting_user=request.user, park=enterprise.park, **form.cleaned_data)
        messages.success(request, _("Monitoring point added."))
        return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/registry_form.html",
                  {"form": form, "enterprise": enterprise, "title": _("New monitoring point")},
                  status=400 if form.errors else 200)


def permit_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk, for_write=True)
    form = PermitForm(request.POST or None)
    limits = PermitLimitFormSet(request.POST or None, form_kwargs={"enterprise": enterprise}, prefix="limits")
    if request.method == "POST" and form.is_valid() and limits.is_valid():
        rows = [f.cleaned_data for f in limits.forms if f.cleaned_data.get("pollutant_code")]
        actions.do_create_permit(enterprise, acting_user=request.user, limits=rows, **form.cleaned_data)
        messages.success(request, _("Permit registered."))
        return redirect("enterprises:detail", pk=pk)
    return render(request, "enterprises/permit_form.html", {"form": form, "limits": limits, "enterprise": enterprise},
                  status=400 if form.errors or limits.total_error_count() else 200)
