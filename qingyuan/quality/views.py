"""The enterprise compliance page, and stop-production declarations (list, file, review, evidence).

Scoping: the compliance page shows an enterprise the user sees
(``Enterprise.objects.visible_to``: the park's regulators, the enterprise's own
users); declarations go through ``StopDeclaration.objects.visible_to``. Anything
else is a 404.

The compliance page has a seam for load control (issue 5, parts 6–7): the
``{% block loads %}`` of ``quality/compliance.html`` includes
``loads/compliance_section.html`` when an app provides it (else a placeholder),
and ``register_compliance_context`` adds that app's context.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import select_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import attachments
from qingyuan.core.htmx import render_page
from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.access import access_enterprise
from qingyuan.quality import access, actions, services
from qingyuan.quality.forms import DeclarationForm, ReviewForm
from qingyuan.quality.models import StopDeclaration
from qingyuan.quality.workflow import DECLARATIONS

LOADS_TEMPLATES = ["loads/compliance_section.html", "quality/partials/loads_placeholder.html"]
_compliance_context: list[Callable[[Any, Any], dict[str, Any]]] = []


def register_compliance_context(fn: Callable[[Any, Any], dict[str, Any]]) -> None:
    """``fn(enterprise, user) -> dict`` adds context to the compliance page: the apps above quality register
    theirs from ``ready()`` (loads: its section; alarms: the active ``alarms``)."""
    if fn not in _compliance_context:
        _compliance_context.append(fn)


def compliance(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access_enterprise(request.user, pk)
    limits = services.limits_of(enterprise)
    data = services.compliance(enterprise, limits=limits)
    context: dict[str, Any] = {
        "enterprise": enterprise, "limits": limits, "alarms": [],
        "declarations": StopDeclaration.objects.filter(enterprise=enterprise).order_by("-start")[:5],
        "loads_template": select_template(LOADS_TEMPLATES).template.name,
        "can_declare": access.is_member(request.user, enterprise.pk), **data,
    }
    for fn in _compliance_context:
        context.update(fn(enterprise, request.user))
    context["chart_json"] = json.dumps(context.pop("chart"), ensure_ascii=False)
    return render_page(request, "quality/compliance.html", context)


# ---- declarations ---------------------------------------------------------------------------------

def declarations(request: HttpRequest) -> HttpResponse:
    qs = StopDeclaration.objects.visible_to(request.user).select_related("enterprise")
    status = request.GET.get("status", "")
    if status in DECLARATIONS.states.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-submitted_at", "-id"), settings.QINGYUAN_PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": DECLARATIONS.states.choices,
               "can_declare": access.declarable_enterprises(request.user).exists()}
    return render_page(request, "quality/declarations.html", context)


def declaration_new(request: HttpRequest) -> HttpResponse:
    enterprises = access.declarable_enterprises(request.user)
    if not enterprises.exists():
        raise PermissionDenied
    form = DeclarationForm(request.POST or None, request.FILES or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = actions.do_submit_declaration(
                form.cleaned_data["enterprise"], acting_user=request.user, start=form.cleaned_data["start"],
                end=form.cleaned_data["end"], reason=form.cleaned_data["reason"],
                files=request.FILES.getlist("files"), points=list(form.cleaned_data["points"]))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Declaration submitted; the regulator will review it."))
            return redirect(declaration.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render_page(request, "quality/declaration_form.html", {"form": form}, status=status)


def declaration(request: HttpRequest, pk: int, *, form: ReviewForm | None = None, status: int = 200
                ) -> HttpResponse:
    decl = access.access_declaration(request.user, pk)
    roles = access.declaration_roles(request.user, decl)
    context = {"declaration": decl, "available": DECLARATIONS.available(decl.status, roles),
               "files": list(attachments.for_owner(decl).order_by("id")), "points": list(decl.points.all()),
               "form": form or ReviewForm()}
    return render_page(request, "quality/declaration.html", context, status=status)


@require_POST
def declaration_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    decl = access.access_declaration(request.user, pk, for_write=True)
    form = ReviewForm(request.POST)
    note = request.POST.get("reason", "")
    do = {"approve": actions.do_approve_declaration, "reject": actions.do_reject_declaration,
          "withdraw": actions.do_withdraw_declaration}.get(name)
    try:
        if do is None:
            raise TransitionError(_("Unknown action “%(name)s”.") % {"name": name}, code="unknown")
        do(decl, acting_user=request.user, note=note)
    except TransitionError as exc:
        if exc.code == "role":
            raise PermissionDenied from exc
        form.add_error(None, exc.message)
        return declaration(request, pk, form=form, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": DECLARATIONS.get(name).label})  # type: ignore[union-attr]
    return redirect(decl.get_absolute_url())


def evidence(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    return attachments.serve(access.access_evidence(request.user, pk, attachment))
