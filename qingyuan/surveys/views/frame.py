"""The sampling frame: the villages and communities around the park, edited here or in Excel."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.core import excel
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.surveys import actions, spreadsheet
from qingyuan.surveys.access import access_village, can_manage, reader_park
from qingyuan.surveys.forms import UploadForm, VillageForm
from qingyuan.surveys.models import Village
from qingyuan.surveys.views.common import REFUSALS, managed_park, refused


def villages(request: HttpRequest) -> HttpResponse:
    park = reader_park(request.user)
    manage = can_manage(request.user, park.pk)
    form = VillageForm(request.POST or None, park=park) if manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                actions.do_save_village(park, form.cleaned_data, acting_user=request.user)
            except REFUSALS as error:
                refused(request, error)
            else:
                messages.success(request, _("%(name)s was added to the frame.") % {"name": form.cleaned_data["name"]})
                return redirect("surveys:villages")
    rows = Village.objects.visible_to(request.user).filter(park=park).select_related("township")
    totals = {"households": sum(v.households for v in rows if v.is_active),
              "population": sum(v.population for v in rows if v.is_active)}
    return render(request, "surveys/villages.html", {"park": park, "villages": rows, "form": form, "manage": manage,
                                                     "upload": UploadForm() if manage else None, "totals": totals})


def village_edit(request: HttpRequest, pk: int) -> HttpResponse:
    village = access_village(request.user, pk, for_write=True)
    form = VillageForm(request.POST or None, instance=village, park=village.park)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_village(village.park, form.cleaned_data, village=Village.objects.get(pk=village.pk),
                                    acting_user=request.user)
        except REFUSALS as error:
            refused(request, error)
        else:
            return redirect("surveys:villages")
    return render(request, "surveys/village_form.html", {"village": village, "form": form})


@reads_from_replica
def villages_export(request: HttpRequest) -> HttpResponse:
    park = reader_park(request.user)
    rows = Village.objects.visible_to(request.user).filter(park=park).select_related("township")
    return excel.xlsx_response(spreadsheet.villages_workbook(rows), "survey-villages.xlsx")


@require_POST
def villages_import(request: HttpRequest) -> HttpResponse:
    park = managed_park(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an .xlsx file to import."))
        return redirect("surveys:villages")
    try:
        rows, errors = spreadsheet.parse_villages(form.cleaned_data["file"], park)
    except excel.SpreadsheetError as error:
        rows, errors = [], [str(error)]
    if errors:
        messages.error(request, _("Nothing was imported: %(errors)s") % {"errors": "；".join(errors[:20])})
        return redirect("surveys:villages")
    try:
        created, changed = actions.do_import_villages(park, rows, acting_user=request.user)
    except REFUSALS as error:
        refused(request, error)
    else:
        messages.success(request, _("Imported: %(created)d villages added, %(changed)d updated.")
                         % {"created": created, "changed": changed})
    return redirect("surveys:villages")
