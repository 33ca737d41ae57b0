"""The villager's side: a round's link per village, a phone number, an SMS code, the questionnaire.

No login. The session keeps only the keyed hash of the phone (and its masked form to show) between asking
for the code and answering; a draft round answers 404 whatever the link.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from qingyuan.complaints.models import mask_phone
from qingyuan.surveys import phone
from qingyuan.surveys.choices import RoundStatus
from qingyuan.surveys.forms import AnswerForm, PhoneForm
from qingyuan.surveys.models import Round, Village


def _round(code: str) -> Round:
    found = Round.objects.filter(code=code).exclude(status=RoundStatus.DRAFT).select_related("park").first()
    if found is None:
        raise Http404
    return found


def _village(r: Round, pk: int) -> Village:
    found = Village.objects.filter(pk=pk, park_id=r.park_id, is_active=True).first()
    if found is None:
        raise Http404
    return found


def _key(r: Round) -> str:
    return f"surveys.phone.{r.pk}"


def _page(request: HttpRequest, r: Round, village: Village, *, status: int = 200, **context: Any) -> HttpResponse:
    verified = request.session.get(_key(r))
    base = {"round": r, "village": village, "taking": phone.is_taking_answers(r), "pending": verified}
    if verified and "form" not in context:
        context["form"] = AnswerForm(questions=list(r.questions.all()), with_code=True)
    if not verified and "phone_form" not in context:
        context["phone_form"] = PhoneForm()
    return render(request, "surveys/public/answer.html", {**base, **context}, status=status)


@login_not_required
@never_cache
def answer(request: HttpRequest, code: str, village_pk: int) -> HttpResponse:
    r = _round(code)
    village = _village(r, village_pk)
    pending = request.session.get(_key(r))
    if request.method != "POST" or not pending:
        return _page(request, r, village)
    form = AnswerForm(request.POST, questions=list(r.questions.all()), with_code=True)
    if not form.is_valid():
        return _page(request, r, village, form=form, status=400)
    answers, point = form.answers()
    try:
        phone.do_submit_response(r, village, pending["hash"], form.cleaned_data["code"], answers, point)
    except phone.Refused as error:
        if error.code == "duplicate":
            request.session.pop(_key(r), None)
        form.add_error("code" if error.code != "duplicate" else None, error.message)
        return _page(request, r, village, form=form, status=400 if error.code != "duplicate" else 409)
    request.session.pop(_key(r), None)
    return redirect("surveys_public:thanks", r.code, village.pk)


@login_not_required
@require_POST
def request_code(request: HttpRequest, code: str, village_pk: int) -> HttpResponse:
    r = _round(code)
    village = _village(r, village_pk)
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _page(request, r, village, phone_form=form, status=400)
    number = form.cleaned_data["phone"]
    try:
        phone.do_request_code(r, number, address=phone.address_hash(request))
    except phone.Refused as error:
        form.add_error("phone", error.message)
        return _page(request, r, village, phone_form=form, status=429 if "limit" in error.code or
                     error.code == "too_soon" else 400)
    request.session[_key(r)] = {"hash": phone.phone_hash(number), "masked": mask_phone(number)}
    return redirect("surveys_public:answer", r.code, village.pk)


@login_not_required
@require_POST
def change_phone(request: HttpRequest, code: str, village_pk: int) -> HttpResponse:
    r = _round(code)
    village = _village(r, village_pk)
    request.session.pop(_key(r), None)
    return redirect("surveys_public:answer", r.code, village.pk)


@login_not_required
def thanks(request: HttpRequest, code: str, village_pk: int) -> HttpResponse:
    r = _round(code)
    village = _village(r, village_pk)
    return render(request, "surveys/public/thanks.html", {"round": r, "village": village})
