"""A briefing as .docx (python-docx, charts as PNG) and as PDF (WeasyPrint, fonts embedded)."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from qingyuan.briefings import charts, markup
from qingyuan.briefings.models import Briefing

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
Progress = Callable[[int, int, str], None]


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (pango) are missing on this machine."""


def _noop(done: int, total: int, message: str) -> None:
    return None


def filename(briefing: Briefing, ext: str) -> str:
    return f"{briefing.number or briefing.title}.{ext}"


def docx(briefing: Briefing, progress: Progress = _noop) -> bytes:
    from docx import Document
    from docx.shared import Cm

    sections = list(briefing.sections.all())
    doc = Document()
    doc.add_heading(briefing.title, level=0)
    doc.add_paragraph(" ".join(x for x in [briefing.number, f"{briefing.period_start:%Y-%m-%d} — "
                                           f"{briefing.period_end:%Y-%m-%d}"] if x))
    for i, section in enumerate(sections):
        doc.add_heading(section.heading, level=1)
        for block in markup.blocks(section.text):
            for line in block.lines:
                para = doc.add_paragraph(style="List Bullet" if block.kind == "ul" else None)
                for text, bold in markup.runs(line):
                    para.add_run(text).bold = bold
        table = section.figures.get("table")
        if table and table.get("rows"):
            t = doc.add_table(rows=1, cols=len(table["header"]))
            t.style = "Table Grid"
            for cell, head in zip(t.rows[0].cells, table["header"], strict=True):
                cell.text = str(head)
            for row in table["rows"]:
                for cell, value in zip(t.add_row().cells, row, strict=True):
                    cell.text = str(value)
        if section.figures.get("chart", {}).get("labels"):
            doc.add_picture(io.BytesIO(charts.bar_chart(section.figures["chart"])), width=Cm(16))
        progress(i + 1, len(sections) + 1, section.heading)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def html(briefing: Briefing) -> str:
    import base64

    sections = []
    for section in briefing.sections.all():
        chart = section.figures.get("chart", {})
        png = base64.b64encode(charts.bar_chart(chart)).decode() if chart.get("labels") else ""
        sections.append({"section": section, "body": markup.to_html(section.text), "chart": png,
                         "table": section.figures.get("table")})
    return render_to_string("briefings/print.html", {"briefing": briefing, "sections": sections})


def pdf(briefing: Briefing, progress: Progress = _noop) -> bytes:
    try:
        import weasyprint  # lazily: needs Debian's pango (libpango-1.0-0 libpangoft2-1.0-0)
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(_("PDF output is not available on this server (WeasyPrint or pango is missing: "
                               "%(e)s).") % {"e": exc}) from exc
    page = html(briefing)
    progress(1, 2, _("Laying out the PDF"))
    return bytes(weasyprint.HTML(string=page).write_pdf())
