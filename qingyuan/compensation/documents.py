"""The agreement summary as Word (python-docx) and the case ledger as Excel (openpyxl).

Both are built from ``services.ledger`` (the same figures the page shows) and are small enough to be
made in the request."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from qingyuan.compensation import services
from qingyuan.compensation.choices import BudgetLine
from qingyuan.compensation.models import CompensationCase
from qingyuan.compensation.money import yuan
from qingyuan.core.excel import XLSX_TYPE

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MONEY_FORMAT = "#,##0.00"


def _attachment(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def agreement_docx(case: CompensationCase, today: dt.date) -> bytes:
    from docx import Document

    ledger = services.ledger(case, today)
    doc = Document()
    doc.add_heading(_("Compensation and buy-back agreement: summary"), level=0)
    facts = [
        (_("Enterprise"), case.enterprise.name),
        (_("Closure decision"), case.closure.decision_number),
        (_("Agreement number"), case.agreement_number),
        (_("Signed on"), f"{case.signed_on:%Y-%m-%d}" if case.signed_on else "—"),
        (_("Agreed amount"), _("%(v)s yuan") % {"v": yuan(ledger.agreed)}),
        (_("Paid"), _("%(v)s yuan") % {"v": yuan(ledger.paid)}),
        (_("Balance"), _("%(v)s yuan") % {"v": yuan(ledger.balance)}),
        (_("Status"), case.get_status_display()),
    ]
    for label, value in facts:
        para = doc.add_paragraph()
        para.add_run(f"{label}：").bold = True
        para.add_run(str(value))
    appraisal = case.appraisals.order_by("-appraised_on", "-id").first()
    if appraisal is not None:
        doc.add_heading(_("Appraisal"), level=1)
        doc.add_paragraph(_("%(who)s, report %(n)s of %(d)s: land %(l)s, buildings %(b)s, equipment %(e)s, "
                            "other %(o)s, in all %(t)s yuan.") % {
            "who": appraisal.appraiser, "n": appraisal.report_number, "d": f"{appraisal.appraised_on:%Y-%m-%d}",
            "l": yuan(appraisal.land_amount), "b": yuan(appraisal.building_amount),
            "e": yuan(appraisal.equipment_amount), "o": yuan(appraisal.other_amount), "t": yuan(appraisal.total)})
    doc.add_heading(_("Payment schedule"), level=1)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, [_("Instalment"), _("Amount (yuan)"), _("Due on"), pgettext("instalment", "Condition"),
                                                _("Paid (yuan)"), _("State")], strict=True):
        cell.text = str(head)
    for row in ledger.rows:
        values = [str(row.instalment.sequence), yuan(row.instalment.amount), f"{row.instalment.due_on:%Y-%m-%d}",
                  row.condition_label or _("none (on signing)"), yuan(row.paid), row.state_label]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    doc.add_paragraph(_("Made on %(d)s from the Qingyuan platform.") % {"d": f"{today:%Y-%m-%d}"})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _sheet(ws, headers: list[str]) -> None:  # type: ignore[no-untyped-def]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B5D55")
    for index in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 18
    ws.freeze_panes = "A2"


def ledger_xlsx(case: CompensationCase, today: dt.date) -> bytes:
    """Sheet 1: payments in date order with the running balance after each; sheet 2: the instalments."""
    ledger = services.ledger(case, today)
    wb = Workbook()
    ws = wb.active
    ws.title = str(_("Ledger"))[:31]
    _sheet(ws, [_("Date"), _("Entry"), _("Instalment"), _("Voucher number"), _("Budget line"),
                _("Amount (yuan)"), _("Balance (yuan)")])
    balance = ledger.agreed
    ws.append([case.signed_on, _("Agreement %(n)s") % {"n": case.agreement_number}, None, None, None, None, balance])
    for p in ledger.payments:
        balance -= p.amount
        ws.append([p.paid_on, _("Payment"), p.instalment.sequence, p.voucher_number,
                   str(BudgetLine(p.budget_line).label), p.amount, balance])
    for row in ws.iter_rows(min_row=2):
        row[0].number_format = "yyyy-mm-dd"
        row[5].number_format = row[6].number_format = MONEY_FORMAT
    plan = wb.create_sheet(str(_("Instalments"))[:31])
    _sheet(plan, [_("Instalment"), _("Amount (yuan)"), _("Due on"), pgettext("instalment", "Condition"), _("Condition verified"),
                  _("Paid (yuan)"), _("Outstanding (yuan)"), _("State")])
    for r in ledger.rows:
        plan.append([r.instalment.sequence, r.instalment.amount, r.instalment.due_on,
                     r.condition_label or _("none (on signing)"),
                     r.verified.date() if r.verified else None, r.paid, r.outstanding, r.state_label])
    for row in plan.iter_rows(min_row=2):
        row[2].number_format = row[4].number_format = "yyyy-mm-dd"
        row[1].number_format = row[5].number_format = row[6].number_format = MONEY_FORMAT
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _name(case: CompensationCase, what: str, ext: str) -> str:
    return f"{case.enterprise.name}-{what}.{ext}"


def docx_response(case: CompensationCase, today: dt.date) -> HttpResponse:
    return _attachment(agreement_docx(case, today), DOCX_TYPE, _name(case, _("agreement summary"), "docx"))


def xlsx_response(case: CompensationCase, today: dt.date) -> HttpResponse:
    return _attachment(ledger_xlsx(case, today), XLSX_TYPE, _name(case, _("ledger"), "xlsx"))
