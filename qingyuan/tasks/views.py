"""Assignment pages: list (HTMX filters, Excel), detail with timeline and actions, issue form,
listed-supervision board, escalation policy, attachments; and the supervision checks (督查)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core.attachments import serve
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.excel import workbook_bytes, xlsx_response
from qingyuan.core.htmx import render_page
from qingyuan.core.workflow import TransitionError
from qingyuan.tasks import actions, spreadsheet
from qingyuan.tasks.access import (
    access_assignment,
    access_attachment,
    access_check,
    assignment_roles,
    can_issue_in,
    issuing_parks,
    reads_whole_park,
)
from qingyuan.tasks.choices import CheckStatus, EscalationLevel, ExtensionStatus
from qingyuan.tasks.filters import AssignmentFilter
from qingyuan.tasks.forms import (
    ACTION_FORMS,
    CheckForm,
    CompleteCheckForm,
    FindingForm,
    IssueForm,
    PolicyForm,
)
from qingyuan.tasks.models import Assignment, EscalationPolicy, Finding, SupervisionCheck
from qingyuan.tasks.policy import can_edit_policy, do_set_policy
from qingyuan.tasks.services import available_actions, timeline, urgent_first
from qingyuan.tasks.workflow import ASSIGNMENTS

# Field names the actions use that the forms call differently.
ALIASES = {"suggested_unit": "unit"}


def put_errors(form: Form, exc: ValidationError) -> None:
    """Put an action's ValidationError back on the form's fields (or on the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = ALIASES.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def _filtered(request: HttpRequest) -> tuple[AssignmentFilter, QuerySet]:
    visible = Assignment.objects.visible_to(request.user)
    form = AssignmentFilter(request.GET or None, visible=visible)
    qs = form.apply(visible) if request.GET else visible
    return form, qs.select_related("assignee_unit", "enterprise")


def assignment_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(urgent_first(qs), settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "tasks/list.html", {
        "filter": form, "page": page, "today": timezone.localdate(),
        "can_issue": issuing_parks(request.user).exists(),
        "reads_park": reads_whole_park(request.user),
    }, partial="tasks/partials/table.html")


@reads_from_replica
def assignment_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _filtered(request)
    today = timezone.localdate()
    headers = [_("Number"), _("Subject"), _("Assigned to"), _("Enterprise"), _("Priority"), _("Status"),
               _("Escalation"), _("Issued on"), _("Deadline"), _("Days overdue"), _("Progress (%)"),
               _("Issued by")]
    rows = ([a.number, a.subject, str(a.assignee_unit), a.enterprise.name if a.enterprise else "",
             a.get_priority_display(), a.get_status_display(), a.get_escalation_level_display(),
             a.issued_on, a.deadline, max(0, (today - a.deadline).days) if a.is_open else "", a.progress,
             a.issued_by_name] for a in urgent_first(qs).iterator(chunk_size=500))
    content = workbook_bytes(_("Assignments"), headers, rows,
                             notes=[_("Exported on %(date)s.") % {"date": today.isoformat()}])
    return xlsx_response(content, f"assignments-{today:%Y%m%d}.xlsx")


def assignment_create(request: HttpRequest) -> HttpResponse:
    form = IssueForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["park"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            a = actions.do_issue_assignment(
                park=data["park"], assignee_unit=data["assignee_unit"], enterprise=data["enterprise"],
                subject=data["subject"], requirements=data["requirements"], deadline=data["deadline"],
                priority=data["priority"], files=data["files"], acting_user=request.user)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Assignment %(number)s issued.") % {"number": a.number})
            return redirect("tasks:detail", pk=a.pk)
    return render(request, "tasks/form.html", {"form": form}, status=400 if form.errors else 200)


def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = access_assignment(request.user, pk)
    roles = assignment_roles(request.user, a)
    transitions = available_actions(a, roles)
    forms = [(t, ACTION_FORMS[t.name](assignment=a, auto_id=f"{t.name}-%s")) for t in transitions]
    return render(request, "tasks/detail.html", {
        "a": a, "forms": forms, "timeline": timeline(a), "today": timezone.localdate(),
        "pending": a.extensions.filter(status=ExtensionStatus.PENDING).first(),
        "findings": a.findings.select_related("supervision_check"),
        "open_checks": set(SupervisionCheck.objects.visible_to(request.user).filter(
            findings__assignment=a).values_list("pk", flat=True)),  # the others are named, not linked (no 404)
        "source_url": a.source_url(),
    })


def assignment_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One workflow action: its form (GET, or the dialog on the detail page) and its processing (POST)."""
    a = access_assignment(request.user, pk)
    form_class = ACTION_FORMS.get(name)
    if form_class is None:
        raise Http404
    try:
        actions.check(a, name, request.user)
    except TransitionError as exc:
        messages.error(request, exc.message)
        return redirect("tasks:detail", pk=a.pk)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None, assignment=a,
                      auto_id=f"{name}-%s")
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_transition_assignment(a, name, acting_user=request.user, **form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, exc.message)
            return redirect("tasks:detail", pk=a.pk)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Done: %(action)s. Status: %(status)s.") % {
                "action": ASSIGNMENTS.get(name).label, "status": a.get_status_display()})  # type: ignore[union-attr]
            return redirect("tasks:detail", pk=a.pk)
    return render(request, "tasks/action.html", {"a": a, "t": ASSIGNMENTS.get(name), "form": form},
                  status=400 if form.errors else 200)


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    return serve(access_attachment(request.user, pk))


def listed_board(request: HttpRequest) -> HttpResponse:
    """挂牌督办: every open assignment under listed supervision, and those under supervision, by unit."""
    qs = Assignment.objects.visible_to(request.user).open().filter(
        escalation_level__gte=EscalationLevel.SUPERVISED).select_related("assignee_unit", "enterprise")
    items = list(qs.order_by("-escalation_level", "deadline", "id"))
    today = timezone.localdate()
    return render(request, "tasks/listed.html", {
        "listed": [a for a in items if a.escalation_level == EscalationLevel.LISTED],
        "supervised": [a for a in items if a.escalation_level == EscalationLevel.SUPERVISED],
        "today": today, "can_issue": issuing_parks(request.user).exists(),
    })


def policy_edit(request: HttpRequest) -> HttpResponse:
    parks = [p for p in issuing_parks(request.user) if can_edit_policy(request.user, p.pk)]
    if not parks:
        raise PermissionDenied
    park = next((p for p in parks if str(p.pk) == request.GET.get("park")), parks[0])
    policy = EscalationPolicy.objects.filter(park=park).first() or EscalationPolicy(park=park)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        do_set_policy(park, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Escalation policy saved; open assignments are rescheduled."))
        return redirect(f"{request.path}?park={park.pk}")
    return render(request, "tasks/policy.html", {"form": form, "park": park, "parks": parks},
                  status=400 if form.errors else 200)


# ---- supervision checks (督查) --------------------------------------------------------------------

def _checks(request: HttpRequest) -> Any:
    """The supervision checks the page lists for this user (the page and its export)."""
    return SupervisionCheck.objects.visible_to(request.user).prefetch_related("units").order_by("-planned_on", "-id")


@reads_from_replica
def check_export(request: HttpRequest) -> HttpResponse:
    return spreadsheet.checks_response(_checks(request))


def check_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_checks(request), settings.QINGYUAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tasks/checks/list.html", {"page": page, "can_plan": issuing_parks(request.user).exists()})


def check_create(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST or None, user=request.user)
    if not form.fields["park"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            sc = actions.do_plan_check(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Supervision check planned."))
            return redirect("tasks:check_detail", pk=sc.pk)
    return render(request, "tasks/checks/form.html", {"form": form}, status=400 if form.errors else 200)


def check_detail(request: HttpRequest, pk: int, finding_form: Any = None, complete_form: Any = None,
                 status: int = 200) -> HttpResponse:
    sc = access_check(request.user, pk)
    can_edit = can_issue_in(request.user, sc.park_id) and sc.status == CheckStatus.PLANNED
    visible = set(Assignment.objects.visible_to(request.user).filter(
        supervision_checks=sc).values_list("pk", flat=True))
    return render(request, "tasks/checks/detail.html", {
        "sc": sc, "units": sc.units.all(),
        "assignments": sc.assignments.select_related("assignee_unit").order_by("deadline"),
        "findings": sc.findings.select_related("assignment", "unit", "spawned"),
        "visible_assignments": visible,
        "can_edit": can_edit, "can_spawn": can_issue_in(request.user, sc.park_id),
        "finding_form": finding_form or (FindingForm(check=sc) if can_edit else None),
        "complete_form": complete_form or (CompleteCheckForm() if can_edit else None),
    }, status=status)


@require_POST
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    sc = access_check(request.user, pk, for_write=True)
    form = FindingForm(request.POST, check=sc)
    if form.is_valid():
        try:
            actions.do_record_finding(sc, acting_user=request.user, **form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("Finding recorded."))
            return redirect("tasks:check_detail", pk=sc.pk)
        if not form.errors:
            return redirect("tasks:check_detail", pk=sc.pk)
    return check_detail(request, pk, finding_form=form, status=400)


@require_POST
def check_complete(request: HttpRequest, pk: int) -> HttpResponse:
    sc = access_check(request.user, pk, for_write=True)
    form = CompleteCheckForm(request.POST)
    if form.is_valid():
        try:
            actions.do_complete_check(sc, acting_user=request.user, **form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Supervision check completed."))
        return redirect("tasks:check_detail", pk=sc.pk)
    return check_detail(request, pk, complete_form=form, status=400)


@require_POST
def check_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    sc = access_check(request.user, pk, for_write=True)
    try:
        actions.do_cancel_check(sc, acting_user=request.user, reason=request.POST.get("reason", ""))
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Supervision check cancelled."))
    return redirect("tasks:check_detail", pk=sc.pk)


@require_POST
def finding_spawn(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a follow-up assignment from the finding."""
    finding = Finding.objects.select_related("supervision_check__park", "assignment__assignee_unit", "unit").filter(
        pk=pk).first()
    if finding is None:
        raise Http404
    access_check(request.user, finding.supervision_check_id, for_write=True)
    try:
        a = actions.do_spawn_assignment(finding, acting_user=request.user)
    except (TransitionError, ValidationError) as exc:
        messages.error(request, exc.message if isinstance(exc, TransitionError) else " ".join(exc.messages))
        return redirect("tasks:check_detail", pk=finding.supervision_check_id)
    messages.success(request, _("Assignment %(number)s issued from the finding.") % {"number": a.number})
    return redirect("tasks:detail", pk=a.pk)
