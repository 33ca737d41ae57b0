"""Rounds: the list, a round's page (questions, workflow, distribution, its results), QR codes and the print page."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core.htmx import render_page
from qingyuan.core.workflow import history
from qingyuan.surveys import actions, stats
from qingyuan.surveys.access import access_round, can_manage, reader_park, round_roles
from qingyuan.surveys.choices import RoundStatus
from qingyuan.surveys.forms import BatchForm, QuestionForm, RoundForm
from qingyuan.surveys.models import Question, Round, Village
from qingyuan.surveys.views.common import REFUSALS, form_errors, refused
from qingyuan.surveys.workflow import ROUNDS


def index(request: HttpRequest) -> HttpResponse:
    park = reader_park(request.user)
    rounds = Round.objects.visible_to(request.user).filter(park=park)
    manage = can_manage(request.user, park.pk)
    form = RoundForm(request.POST or None, park=park, rounds=rounds) if manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "copy_from"}
            try:
                r = actions.do_create_round(park, fields, copy_from=form.cleaned_data.get("copy_from"),
                                            acting_user=request.user)
            except REFUSALS as error:
                refused(request, error)
            else:
                return redirect(r)
    return render_page(request, "surveys/index.html", {
        "park": park, "rounds": rounds.order_by("-year", "-opens_on"), "form": form, "manage": manage,
        "villages": Village.objects.filter(park=park, is_active=True).count()})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = access_round(request.user, pk)
    roles = round_roles(request.user, r.park_id)
    overall, rows = stats.round_rates(r)
    questions = list(r.questions.all())
    chart = {"villages": [v.name for v, _r, _n, _p in rows],
             "rates": [float(rate.percent) if rate.percent is not None else None for _v, rate, _n, _p in rows],
             "label": _("Satisfied + basically satisfied (%)")}
    return render(request, "surveys/round.html", {
        "round": r, "questions": questions, "overall": overall, "rows": rows, "manage": bool(roles),
        "transitions": ROUNDS.possible(r, roles), "editable": bool(roles) and r.status == RoundStatus.DRAFT,
        "question_form": QuestionForm() if roles and r.status == RoundStatus.DRAFT else None,
        "edit_form": RoundForm(instance=r, park=r.park) if roles and r.status != RoundStatus.CLOSED else None,
        "distribution": stats.distribution(r), "chart": chart,
        "batches": r.batches.select_related("village").order_by("number") if roles else None,
        "history": [{"time": h.time, "user_name": h.user_name, "reason": h.reason, "from": ROUNDS.label(h.from_state),
                     "to": ROUNDS.label(h.to_state)} for h in history(r)],
        "batch_form": BatchForm(park=r.park) if roles else None,
    })


@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    form = RoundForm(request.POST, instance=Round.objects.get(pk=r.pk), park=r.park)
    if form.is_valid():
        try:
            actions.do_edit_round(r, form.cleaned_data, acting_user=request.user)
            messages.success(request, _("The round was saved."))
        except REFUSALS as error:
            refused(request, error)
    else:
        form_errors(request, form)
    return redirect(r)


@require_POST
def add_question(request: HttpRequest, pk: int) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_question(r, form.cleaned_data, acting_user=request.user)
        except REFUSALS as error:
            refused(request, error)
    else:
        form_errors(request, form)
    return redirect(f"{r.get_absolute_url()}#questions")


@require_POST
def delete_question(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    question = get_object_or_404(Question, pk=question_pk, round=r)
    try:
        actions.do_delete_question(question, acting_user=request.user)
    except REFUSALS as error:
        refused(request, error)
    return redirect(f"{r.get_absolute_url()}#questions")


@require_POST
def fire(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    try:
        actions.do_fire_round(r, name, acting_user=request.user, reason=request.POST.get("reason", ""))
    except REFUSALS as error:
        refused(request, error)
    return redirect(r)


def _village(r: Round, village_pk: int) -> Village:
    return get_object_or_404(Village, pk=village_pk, park_id=r.park_id)


def qr(request: HttpRequest, pk: int, village_pk: int, fmt: str) -> HttpResponse:
    """The QR code of the village's link, as SVG or PNG (for the notice board or a leaflet)."""
    r = access_round(request.user, pk)
    village = _village(r, village_pk)
    if fmt not in ("svg", "png"):
        raise Http404
    code = segno.make(request.build_absolute_uri(r.public_url(village)), error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=8, border=2, xmldecl=True)
        response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    else:
        code.save(out, kind="png", scale=10, border=2)
        response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="survey-{r.pk}-{village.pk}.{fmt}"'
    return response


def notice(request: HttpRequest, pk: int, village_pk: int) -> HttpResponse:
    """An A4 page for the village notice board: the invitation, the QR code and the link."""
    r = access_round(request.user, pk)
    village = _village(r, village_pk)
    return render(request, "surveys/notice.html", {
        "round": r, "village": village, "url": request.build_absolute_uri(r.public_url(village))})
