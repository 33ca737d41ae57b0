"""The acceptance record (整治验收记录 / 验收意见) as a Word document, ready to print and sign.

Written in the site's language (Simplified Chinese) whatever the reader's interface
language, because it is the official paper record. Generated from the database on
each download, so a record after the verdict always says what the system says.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from qingyuan.plans.choices import AcceptanceStatus, Finding
from qingyuan.plans.models import Acceptance

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"
HEADING_FONT = "黑体"


def _font(style_or_run: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    r_pr = element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _date(value: Any) -> str:
    return _("%(y)d-%(m)02d-%(d)02d") % {"y": value.year, "m": value.month, "d": value.day} if value else "—"


def _table(doc: Any, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), FONT, 10.5, True)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), FONT, 10.5)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _heading(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(10)
    _font(p.add_run(text), HEADING_FONT, 12, True)


def _line(doc: Any, text: str, *, bold: bool = False, align: Any = None, size: float = 11) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), FONT, size, bold)
    return p


def render(acceptance: Acceptance) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _render(acceptance)


def _render(acceptance: Acceptance) -> bytes:
    plan = acceptance.plan
    enterprise = plan.enterprise
    decided = acceptance.status in (AcceptanceStatus.PASSED, AcceptanceStatus.FAILED)
    doc = Document()
    for section in doc.sections:
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.5)
    _font(doc.styles["Normal"], FONT, 11)

    _line(doc, enterprise.park.name, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    title = _("Rectification acceptance record") if decided else _("Acceptance inspection checklist")
    _line(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=18)
    _line(doc, _("Record no. %(no)s") % {"no": f"{enterprise.park.code}-{plan.pk:04d}-{acceptance.number:02d}"},
          align=WD_ALIGN_PARAGRAPH.RIGHT, size=10)

    info = [
        (_("Enterprise"), enterprise.name),
        (_("Unified social credit code"), enterprise.credit_code),
        (_("Address"), enterprise.address),
        (_("Legal representative"), enterprise.legal_representative),
        (_("Rectification plan"), _("%(title)s (version %(n)d)") % {"title": plan.title, "n": acceptance.version.number}),
        (_("Park implementation plan"), plan.park_plan.title),
        (_("Outcome"), plan.get_outcome_display()),
        (_("Acceptance requested"), _date(timezone.localtime(acceptance.requested_at).date())),
        (_("Inspection date"), _date(acceptance.inspection_date)),
        (_("Organised by"), acceptance.organiser or "—"),
    ]
    _table(doc, [_("Item"), _("Details")], [[k, v] for k, v in info], [4.5, 11.5])

    _heading(doc, _("1. Measures and checklist findings"))
    rows = []
    for i, item in enumerate(acceptance.items.select_related("measure"), start=1):
        m = item.measure
        rows.append([str(i), item.text, _date(m.done_on) if m else "—", f"{m.investment}" if m else "—",
                     Finding(item.result).label if decided or item.result != Finding.PENDING else "",
                     item.note])
    _table(doc, ["#", _("Checklist item"), _("Done on"), _("Investment (10,000 yuan)"), _("Finding"), _("Note")],
           rows, [1, 6.2, 2.3, 2, 1.6, 2.9])

    _heading(doc, _("2. Acceptance panel"))
    panel = [[str(i), p.name, p.organisation, (_("Panel lead") + " ") * p.is_lead + p.position, ""]
             for i, p in enumerate(acceptance.panel.all(), start=1)]
    headers = ["#", pgettext("person", "Name"), pgettext("panel", "Organisation"), _("Position"), _("Signature")]
    _table(doc, headers, panel, [1, 2.8, 5.4, 3.6, 3.2])

    _heading(doc, _("3. Acceptance opinion"))
    verdict = AcceptanceStatus(acceptance.status).label if decided else _("To be decided")
    p = doc.add_paragraph()
    _font(p.add_run(_("Verdict: ")), FONT, 12, True)
    _font(p.add_run(str(verdict)), FONT, 12, True)
    _line(doc, acceptance.verdict_text or "\n\n\n")

    doc.add_paragraph()
    for label in (_("Panel lead (signature)"), _("Enterprise representative (signature)"),
                  _("Organising authority (seal)")):
        _line(doc, f"{label}：________________        {_('Date')}：{_('______ Y ____ M ____ D')}")
    if decided:
        _line(doc, _("Recorded by %(name)s on %(date)s") % {
            "name": acceptance.decided_by_name, "date": _date(timezone.localtime(acceptance.decided_at).date())},
            align=WD_ALIGN_PARAGRAPH.RIGHT, size=10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(acceptance: Acceptance) -> str:
    return f"验收记录-{acceptance.plan.enterprise.name}-{acceptance.number}.docx"
