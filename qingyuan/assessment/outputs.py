"""The Excel of scores by indicator and the Word notice of the results (考核结果通报)."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from qingyuan.assessment.choices import Grade
from qingyuan.assessment.models import Scheme, Score
from qingyuan.assessment.services import ranking
from qingyuan.core import excel

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def quarter_label(quarter: int) -> str:
    return _("Full year") if quarter == 0 else _("Quarter %(n)d") % {"n": quarter}


def scores_workbook(scheme: Scheme, quarter: int = 0, *, unit_ids: set[int] | None = None) -> bytes:
    indicators = list(scheme.indicators.select_related("group"))
    points = {(s.unit_id, s.indicator_id): s.points for s in Score.objects.filter(scheme=scheme, quarter=quarter)}
    headers = [_("Rank"), _("Unit"), *[f"{i.group.name}·{i.name}（{i.weight:f}）" for i in indicators],
               _("Total"), _("Grade"), _("Veto reason")]
    rows = [[r.rank, str(r.unit), *[points.get((r.unit.pk, i.pk)) for i in indicators], r.total, r.grade_label,
             r.veto_reason] for r in ranking(scheme, quarter, unit_ids=unit_ids)]
    notes = [f"{scheme.title} · {quarter_label(quarter)}",
             _("Points: computed percentages × weight; counts: weight less points per weighted failure; "
               "deductions and bonuses capped at their indicator's weight; a veto makes the grade 不合格."),
             _("Exported %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}]
    return excel.workbook_bytes(_("Scores"), headers, rows, notes=notes)


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def notice_docx(scheme: Scheme) -> bytes:
    """考核结果通报: the ranking with grades, the vetoed units and why, and how many units got each grade."""
    rows = ranking(scheme, 0)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(_("Notice of the assessment results"), level=0)
    doc.add_paragraph(scheme.title)
    counts = {g: sum(1 for r in rows if r.grade == g) for g in Grade.values}
    doc.add_paragraph(_("%(units)d units were assessed: %(parts)s.") % {
        "units": len(rows), "parts": "，".join(f"{Grade(g).label} {n}" for g, n in counts.items())})
    doc.add_heading(_("Ranking and grades"), level=1)
    _table(doc, [_("Rank"), _("Unit"), _("Total"), _("Grade"), _("Veto reason")],
           [[r.rank, str(r.unit), f"{r.total:.2f}", r.grade_label, r.veto_reason or "—"] for r in rows])
    vetoed = [r for r in rows if r.vetoed]
    doc.add_heading(_("One-vote veto"), level=1)
    if vetoed:
        for r in vetoed:
            doc.add_paragraph(f"{r.unit}：{r.veto_reason}", style="List Bullet")
    else:
        doc.add_paragraph(_("No unit was vetoed."))
    doc.add_heading(_("Scores by indicator group"), level=1)
    groups = list(scheme.groups.all())
    by_group: dict[tuple[int, int], Any] = {}
    for unit_id, group_id, pts in Score.objects.filter(scheme=scheme, quarter=0).values_list(
            "unit_id", "indicator__group_id", "points"):
        by_group[(unit_id, group_id)] = by_group.get((unit_id, group_id), 0) + pts
    _table(doc, [_("Unit"), *[g.name for g in groups]],
           [[str(r.unit), *[f"{by_group.get((r.unit.pk, g.pk), 0):.2f}" for g in groups]] for r in rows])
    status = scheme.get_status_display()
    doc.add_paragraph(_("Status: %(status)s. Issued %(date)s.") % {
        "status": status, "date": timezone.localdate().strftime("%Y-%m-%d")})
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
