"""Results over the years: the rate overall and per village beside the complaints received."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from qingyuan.core import excel
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.surveys import spreadsheet, stats
from qingyuan.surveys.access import reader_park


def results(request: HttpRequest) -> HttpResponse:
    park = reader_park(request.user)
    years = stats.by_year(park.pk)
    year_list, villages = stats.village_years(park.pk)
    chart = {"years": [str(y.year) for y in years],
             "rates": [float(y.rate.percent) if y.rate.percent is not None else None for y in years],
             "complaints": [y.complaints for y in years],
             "labels": {"rate": _("Satisfied + basically satisfied (%)"), "complaints": _("Complaints received"),
                        "percent": "%", "count": _("complaints")}}
    return render(request, "surveys/results.html", {"park": park, "years": years, "year_list": year_list,
                                                    "villages": villages, "chart": chart})


@reads_from_replica
def results_export(request: HttpRequest) -> HttpResponse:
    park = reader_park(request.user)
    return excel.xlsx_response(spreadsheet.results_workbook(park.pk), "survey-results.xlsx")
