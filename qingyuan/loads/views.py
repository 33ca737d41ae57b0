"""Pages of load control: the park load page, an enterprise's loads, the capacity ledger with the
fit check and projects, and the rebound list. Access: ``access.py``; writes: ``actions.py``."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core.htmx import render_page
from qingyuan.enterprises.access import access_enterprise
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads import access, actions, ledger, services, substitution, totals
from qingyuan.loads.choices import FlagStatus, ProjectStatus
from qingyuan.loads.forms import BaselineForm, DecisionForm, FitCheckForm, ProjectForm
from qingyuan.loads.models import BaselineLoad, LedgerEntry, LoadPolicy, NewProject, ReboundFlag
from qingyuan.loads.routes import routes_of
from qingyuan.org.access import access_park


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


def _errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def park(request: HttpRequest) -> HttpResponse:
    p = access_park(request.user, request.GET.get("park"), park_wide=True)
    year = _year(request)
    today = timezone.localdate()
    policy = LoadPolicy.for_park(p.pk)
    as_of = totals.as_of_for(year, today)
    rows = totals.enterprise_loads(totals.park_enterprises(p.pk), year, as_of, policy)
    park_rows = totals.park_totals(rows, p.pk, year)
    chart = [{"code": r.code, "name": r.name, "months": [round(v, 4) for v in r.months_t],
              "effluent": [round(v, 4) for v in r.effluent_months_t],
              "sent": [round(v, 4) for v in r.sent_months_t],
              "baseline": r.reference_t, "target": r.target_t, "projected": round(r.projected_t, 4)}
             for r in park_rows]
    bars = [{"name": e.enterprise.name, **{p.code: [round(p.ytd_t, 4), round(p.projected_t, 4), p.quota_t]
                                          for p in e.pollutants}} for e in rows]
    context = {"park": p, "year": year, "as_of": as_of, "policy": policy, "rows": rows, "park_rows": park_rows,
               "split_rows": [r for r in park_rows if r.sent_t or r.effluent_t or r.plants],
               "years": list(range(today.year, today.year - 5, -1)),
               "chart_json": json.dumps(chart, ensure_ascii=False), "bars_json": json.dumps(bars, ensure_ascii=False),
               "can_manage": actions.can_manage(request.user, p.pk)}
    return render_page(request, "loads/park.html", context)


def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    e = access_enterprise(request.user, pk)
    year = _year(request)
    loads = services.enterprise_year(e, year)
    policy = LoadPolicy.for_park(e.park_id)
    can_manage = actions.can_manage(request.user, e.park_id)
    context = {"enterprise": e, "year": year, "enterprise_loads": loads, "load_policy": policy,
               "enterprise_loads_chart": services.chart_of(loads),
               "baselines": BaselineLoad.objects.filter(enterprise=e).order_by("-year", "pollutant_code"),
               "entries": LedgerEntry.objects.filter(enterprise=e).order_by("-date", "-id")[:50],
               "can_manage": can_manage, "form": BaselineForm() if can_manage else None,
               "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
               "substituted": substitution.for_enterprise(loads, policy.missing_hours, timezone.now())}
    return render_page(request, "loads/enterprise.html", context)


@require_POST
def baseline(request: HttpRequest, pk: int) -> HttpResponse:
    e = access_enterprise(request.user, pk)
    if not actions.can_manage(request.user, e.park_id):
        raise PermissionDenied
    form = BaselineForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_baseline(e, acting_user=request.user, year=LoadPolicy.for_park(e.park_id).baseline_year,
                                    pollutant_code=form.cleaned_data["pollutant_code"],
                                    load_t=form.cleaned_data["load_t"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Baseline saved."))
            return redirect("loads:enterprise", pk=e.pk)
    messages.error(request, "; ".join(str(m) for errs in form.errors.values() for m in errs))
    return redirect("loads:enterprise", pk=e.pk)


def capacity(request: HttpRequest) -> HttpResponse:
    p = access_park(request.user, request.GET.get("park"), park_wide=True)
    can_manage = actions.can_manage(request.user, p.pk)
    check = FitCheckForm(request.GET if "check" in request.GET else None, auto_id="check_%s")  # ids apart from the project form's
    result = None
    if check.is_bound and check.is_valid() and check.loads():
        result = ledger.fits_loads(p.pk, check.loads())
    form = ProjectForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                project = actions.do_propose_project(
                    p, acting_user=request.user, name=form.cleaned_data["name"],
                    applicant=form.cleaned_data["applicant"], description=form.cleaned_data["description"],
                    loads=form.loads())
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Project recorded; check its fit and decide on its page."))
                return redirect(project.get_absolute_url())
        status = 422
    entries = Paginator(LedgerEntry.objects.filter(park=p).select_related("enterprise", "project", "measure")
                        .order_by("-date", "-id"), settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    routes = routes_of(Enterprise.objects.filter(park=p).values_list("pk", flat=True))
    for entry in entries:  # an indirect discharger's water entry frees capacity at its plant, not in the river
        entry.counted = entry.enterprise_id is None or routes.counts(entry.enterprise_id, entry.pollutant_code)
    context = {"park": p, "account": list(ledger.capacity(p.pk).values()), "check": check, "result": result,
               "form": form, "entries": entries, "can_manage": can_manage,
               "projects": NewProject.objects.filter(park=p).prefetch_related("loads").order_by("-proposed_on", "-id")}
    return render_page(request, "loads/capacity.html", context, status=status)


def project(request: HttpRequest, pk: int, *, form: DecisionForm | None = None, status: int = 200) -> HttpResponse:
    proj = access.access_project(request.user, pk)
    result = ledger.fits_loads(proj.park_id, {pl.pollutant_code: pl.load_t for pl in proj.loads.all()},
                               project=proj)
    context = {"project": proj, "result": result, "form": form or DecisionForm(),
               "can_decide": proj.status == ProjectStatus.PROPOSED and actions.can_manage(request.user, proj.park_id),
               "entries": proj.entries.order_by("pollutant_code")}
    return render_page(request, "loads/project.html", context, status=status)


@require_POST
def project_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    proj = access.access_project(request.user, pk, for_write=True)
    form = DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        if decision == "approve":
            actions.do_approve_project(proj, acting_user=request.user, note=note)
            messages.success(request, _("Project approved; its loads are booked in the ledger."))
        elif decision == "reject":
            actions.do_reject_project(proj, acting_user=request.user, note=note)
            messages.success(request, _("Project rejected."))
        else:
            raise ValidationError(_("Unknown decision."))
    except ValidationError as exc:
        _errors(form, exc)
        return project(request, pk, form=form, status=400)
    return redirect(proj.get_absolute_url())


def rebound(request: HttpRequest) -> HttpResponse:
    qs = ReboundFlag.objects.visible_to(request.user).select_related("enterprise", "point", "assignment")
    status = request.GET.get("status", FlagStatus.OPEN)
    if status in FlagStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-detected_at", "-id"), settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "loads/rebound.html", {"page": page, "status": status,
                                                        "statuses": FlagStatus.choices,
                                                        "open_assignments": _openable_assignments(request.user, page)})


def _openable_assignments(user: Any, flags: Any) -> set[int]:
    """The flags' assignments the reader may open: the others are named, not linked (no link to a 404)."""
    from qingyuan.tasks.models import Assignment

    ids = {f.assignment_id for f in flags if f.assignment_id}
    return set(Assignment.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def rebound_detail(request: HttpRequest, pk: int, *, form: DecisionForm | None = None, status: int = 200
                   ) -> HttpResponse:
    flag = access.access_flag(request.user, pk)
    chart = [{"month": r["month"], "share": r["share"], "alarms": r["alarms"]} for r in flag.series]
    context = {"flag": flag, "form": form or DecisionForm(), "chart_json": json.dumps(chart),
               "open_assignments": _openable_assignments(request.user, [flag]),
               "can_close": flag.status == FlagStatus.OPEN and actions.can_manage(request.user, flag.park_id)}
    return render_page(request, "loads/rebound_detail.html", context, status=status)


@require_POST
def rebound_close(request: HttpRequest, pk: int) -> HttpResponse:
    flag = access.access_flag(request.user, pk, for_write=True)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        actions.do_close_rebound_flag(flag, acting_user=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        _errors(form, exc)
        return rebound_detail(request, pk, form=form, status=400)
    messages.success(request, _("Flag closed."))
    return redirect(flag.get_absolute_url())

