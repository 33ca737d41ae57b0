"""The case list as an Excel workbook: the page's cases, labels not values, local dates."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from qingyuan.closures.choices import StepKind
from qingyuan.closures.models import ClosureCase
from qingyuan.core.excel import workbook_bytes, xlsx_response


def rows(qs: QuerySet[ClosureCase]) -> list[list[object]]:
    out = []
    for c in qs.prefetch_related("steps"):
        steps = list(c.steps.all())
        verified = sum(1 for s in steps if s.is_verified)
        stop = next((s.done_on for s in steps if s.kind == StepKind.PRODUCTION_STOPPED and s.is_verified), None)
        out.append([c.enterprise.name, c.get_kind_display(), c.decision_number, c.decision_date,
                    c.get_basis_display(), c.deadline, c.responsible_unit.name, c.get_status_display(),
                    f"{verified}/{len(c.step_kinds)}", stop])
    return out


def response(qs: QuerySet[ClosureCase]) -> HttpResponse:
    headers = [_("Enterprise"), _("Kind"), _("Decision number"), _("Decision date"), _("Basis"), _("Deadline"),
               _("Responsible unit"), _("Status"), _("Steps verified"), _("Production stopped on")]
    content = workbook_bytes(_("Closure cases"), headers, rows(qs))
    return xlsx_response(content, "closures.xlsx")
