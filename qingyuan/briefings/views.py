from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from qingyuan.briefings import jobs as briefing_jobs
from qingyuan.briefings import spreadsheet
from qingyuan.briefings.access import access_briefing, briefing_roles, can_draft
from qingyuan.briefings.actions import do_edit_section, do_fire_briefing, do_record_read, do_set_recipients
from qingyuan.briefings.forms import NewBriefingForm, RecipientsForm, SectionForm
from qingyuan.briefings.models import Briefing, BriefingSection
from qingyuan.briefings.workflow import BRIEFINGS
from qingyuan.core import jobs
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.core.workflow import TransitionError
from qingyuan.org.actor import actor_for
from qingyuan.org.models import Park

GROUPS = {
    "issued": pgettext_lazy("briefing", "issued"), "closed": pgettext_lazy("briefing", "closed"), "overdue": pgettext_lazy("briefing", "overdue"), "raised": pgettext_lazy("briefing", "raised"),
    "handled": pgettext_lazy("briefing", "handled"), "enterprises": pgettext_lazy("briefing", "enterprises"), "sections": pgettext_lazy("briefing", "sections"), "samples": pgettext_lazy("briefing", "samples"),
    "received": pgettext_lazy("briefing", "received"), "finished": pgettext_lazy("briefing", "answered"), "patrols": pgettext_lazy("briefing", "patrols"), "findings": pgettext_lazy("briefing", "findings"),
    "measures_done": pgettext_lazy("briefing", "measures completed"), "measures_late": pgettext_lazy("briefing", "measures past deadline"),
    "acceptances": pgettext_lazy("briefing", "acceptances"),
}
SHOWN = 60  # evidence links per group on the page; the count is always whole


def _park(request: HttpRequest) -> Park | None:
    ids = sorted(actor_for(request.user).park_wide_ids)
    return Park.objects.filter(pk__in=ids).first() if ids else None


def _searched(request: HttpRequest) -> tuple[str, Any]:
    """The search and the briefings the archive lists for this user (the archive and its export)."""
    qs = Briefing.objects.visible_to(request.user).select_related("park")
    q = request.GET.get("q", "").strip()
    if q:
        match = Q(title__icontains=q) | Q(sections__text__icontains=q)
        digits = "".join(ch for ch in q if ch.isdigit())
        if "期" in q or q.isdigit():
            match |= Q(serial=int(digits[-4:] if len(digits) > 4 else digits or 0))
        qs = qs.filter(match).distinct()
    return q, qs


@reads_from_replica
def archive_export(request: HttpRequest) -> HttpResponse:
    _q, qs = _searched(request)
    return spreadsheet.response(qs)


def archive(request: HttpRequest) -> HttpResponse:
    """Every briefing the reader may see, searched by title, number or text."""
    q, qs = _searched(request)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    park = _park(request)
    return render_page(request, "briefings/archive.html",
                       {"page": page, "q": q, "can_draft": bool(park and can_draft(request.user, park.pk)),
                        "form": NewBriefingForm()}, partial="briefings/partials/archive_list.html")


@require_POST
def new(request: HttpRequest) -> HttpResponse:
    """Queue the draft of a briefing from the period's facts; the page shows its progress."""
    park = _park(request)
    if park is None or not can_draft(request.user, park.pk):
        raise PermissionDenied
    form = NewBriefingForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("__all__", [])) or _("Check the form."))
        return redirect("briefings:archive")
    d = form.cleaned_data
    job = jobs.submit(briefing_jobs.DRAFT, user=request.user, title=_("Drafting %(t)s") % {"t": d["title"]},
                      params={"park": park.pk, "kind": d["kind"], "start": d["start"].isoformat(),
                              "end": d["end"].isoformat(), "title": d["title"], "user": request.user.pk})
    return redirect("core:job", job.pk)


def _visible(qs: Any, user: Any) -> Any:
    """The records the reader may open: by the model's own rule, else by its first parent that has one
    (a finding by its patrol, a measure by its plan, a sample by its section); none when neither exists."""
    if hasattr(qs, "visible_to"):
        return qs.visible_to(user)
    for field in qs.model._meta.get_fields():
        if field.many_to_one and hasattr(field.related_model.objects.all(), "visible_to"):
            return qs.filter(**{f"{field.name}__in": field.related_model.objects.visible_to(user)})
    return qs.none()


def _evidence(section: BriefingSection, user: Any) -> list[dict[str, Any]]:
    out = []
    for group, spec in section.evidence.items():
        model = apps.get_model(spec["model"])
        qs = _visible(model.objects.filter(pk__in=spec["ids"][:SHOWN]), user)
        out.append({"label": GROUPS.get(group, group), "count": len(spec["ids"]), "items": list(qs)})
    return out


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = access_briefing(request.user, pk)
    do_record_read(briefing, acting_user=request.user)
    roles = briefing_roles(request.user, briefing.park_id)
    sections = [{"section": s, "evidence": _evidence(s, request.user)} for s in briefing.sections.all()]
    return render(request, "briefings/detail.html", {
        "briefing": briefing, "sections": sections, "roles": roles,
        "transitions": BRIEFINGS.available(briefing.status, roles),
        "editable": "office" in roles and briefing.status == "draft",
        "recipients_form": RecipientsForm(park_id=briefing.park_id,
                                          initial={"units": briefing.recipients.all()}) if "office" in roles else None,
        "receipts": briefing.receipts.select_related("unit") if roles else None,
        "recipients": briefing.recipients.all(),
    })


def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    briefing = access_briefing(request.user, pk, for_write=True)
    section = get_object_or_404(BriefingSection, pk=section_pk, briefing=briefing)
    form = SectionForm(request.POST or None, initial={"text": section.text})
    if request.method == "POST" and form.is_valid():
        try:
            do_edit_section(section, text=form.cleaned_data["text"], acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [_("Not allowed.")])))
        return redirect(f"{briefing.get_absolute_url()}#section-{section.pk}")
    return render(request, "briefings/section_form.html", {"briefing": briefing, "section": section, "form": form})


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = access_briefing(request.user, pk, for_write=True)
    try:
        do_fire_briefing(briefing, request.POST.get("name", ""), acting_user=request.user,
                         reason=request.POST.get("reason", ""))
    except TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(s)s.") % {"s": briefing.get_status_display()})
    return redirect(briefing)


@require_POST
def recipients(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = access_briefing(request.user, pk, for_write=True)
    form = RecipientsForm(request.POST, park_id=briefing.park_id)
    if form.is_valid():
        try:
            do_set_recipients(briefing, units=list(form.cleaned_data["units"]), acting_user=request.user)
        except PermissionDenied:
            messages.error(request, _("Recipients cannot be changed now."))
    return redirect(briefing)


@require_POST
def render_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the .docx or PDF of a briefing; the page shows the progress bar, then the download."""
    briefing = access_briefing(request.user, pk)
    fmt = "pdf" if request.POST.get("format") == "pdf" else "docx"
    job = jobs.submit(briefing_jobs.RENDER, user=request.user, title=f"{briefing} ({fmt.upper()})",
                      params={"briefing": briefing.pk, "format": fmt})
    return redirect("core:job", job.pk)
