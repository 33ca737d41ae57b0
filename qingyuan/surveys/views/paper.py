"""Paper questionnaires: numbered batches per village, entered one by one or from the Excel template."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import excel
from qingyuan.surveys import actions, spreadsheet
from qingyuan.surveys.access import access_round
from qingyuan.surveys.forms import AnswerForm, BatchForm, UploadForm, styled
from qingyuan.surveys.models import PaperBatch
from qingyuan.surveys.views.common import REFUSALS, form_errors, refused


@require_POST
def new_batch(request: HttpRequest, pk: int) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    form = BatchForm(request.POST, park=r.park)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(f"{r.get_absolute_url()}#paper")
    d = form.cleaned_data
    try:
        batch = actions.do_create_batch(r, d["village"], number=d["number"], note=d["note"], acting_user=request.user)
    except REFUSALS as error:
        refused(request, error)
        return redirect(f"{r.get_absolute_url()}#paper")
    return redirect("surveys:batch", r.pk, batch.pk)


def batch(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    found = get_object_or_404(PaperBatch.objects.select_related("village"), pk=batch_pk, round=r)
    questions = list(r.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    styled(form)
    if request.method == "POST":
        if form.is_valid():
            answers, point = form.answers()
            try:
                actions.do_enter_paper_responses(found, [(answers, point)], acting_user=request.user)
            except REFUSALS as error:
                refused(request, error)
            else:
                messages.success(request, _("Questionnaire entered. Enter the next one."))
                return redirect("surveys:batch", r.pk, found.pk)
        else:
            messages.error(request, _("Check the answers marked below."))
    return render(request, "surveys/batch.html", {
        "round": r, "batch": found, "form": form, "upload": UploadForm(),
        "count": found.responses.count()})


@require_POST
def batch_upload(request: HttpRequest, pk: int, batch_pk: int) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    found = get_object_or_404(PaperBatch, pk=batch_pk, round=r)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an .xlsx file to import."))
        return redirect("surveys:batch", r.pk, found.pk)
    try:
        rows, errors = spreadsheet.parse_paper(form.cleaned_data["file"], r)
    except excel.SpreadsheetError as error:
        rows, errors = [], [str(error)]
    if errors:
        messages.error(request, _("Nothing was entered: %(errors)s") % {"errors": "；".join(errors[:20])})
        return redirect("surveys:batch", r.pk, found.pk)
    try:
        made = actions.do_enter_paper_responses(found, rows, acting_user=request.user)
    except REFUSALS as error:
        refused(request, error)
    else:
        messages.success(request, _("%(n)d questionnaires entered into batch %(number)s.")
                         % {"n": len(made), "number": found.number})
    return redirect("surveys:batch", r.pk, found.pk)


def paper_template(request: HttpRequest, pk: int) -> HttpResponse:
    r = access_round(request.user, pk, for_write=True)
    return excel.xlsx_response(spreadsheet.paper_template(r), f"survey-{r.pk}-paper.xlsx")
