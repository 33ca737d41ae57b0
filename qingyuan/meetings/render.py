"""The minutes as .docx (python-docx): heading, number, attendance, items with their minutes, and the
decisions table (number, decision, responsible unit, co-units, deadline, expected result)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.meetings.choices import Response
from qingyuan.meetings.models import Meeting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def filename(meeting: Meeting) -> str:
    return f"{meeting.number or meeting.title}.docx"


def decision_header() -> list[str]:
    return [_("No."), _("Decision"), _("Responsible unit"), _("Co-units"), _("Deadline"), _("Expected result")]


def docx(meeting: Meeting) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(_("Minutes: %(t)s") % {"t": meeting.title}, level=0)
    local = timezone.localtime(meeting.starts_at)
    doc.add_paragraph(" ".join(x for x in [meeting.number, f"{local:%Y-%m-%d %H:%M}", meeting.place] if x))
    doc.add_paragraph(_("Chair: %(c)s") % {"c": meeting.chair_name})
    invitations = list(meeting.invitations.select_related("unit"))
    present = [i.signed_in_by or i.user_name for i in invitations if i.signed_in_at]
    absent = [f"{i.user_name}（{i.reason}）" for i in invitations if i.response == Response.ABSENT]
    doc.add_paragraph(_("Present: %(p)s") % {"p": "、".join(present) or "—"})
    if absent:
        doc.add_paragraph(_("Absent: %(p)s") % {"p": "、".join(absent)})
    for n, item in enumerate(meeting.items.all(), start=1):
        doc.add_heading(f"{n}. {item.title}", level=1)
        if item.presenter:
            doc.add_paragraph(_("Presented by %(p)s") % {"p": item.presenter})
        for line in item.minutes.splitlines():
            if line.strip():
                doc.add_paragraph(line.strip())
    decisions = list(meeting.decisions.select_related("responsible_unit").prefetch_related("co_units"))
    doc.add_heading(_("Decisions"), level=1)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, decision_header(), strict=True):
        cell.text = head
    for d in decisions:
        values = [str(d.serial), d.text, d.responsible_unit.name if d.responsible_unit else "",
                  "、".join(u.name for u in d.co_units.all()), d.deadline.isoformat() if d.deadline else "",
                  d.expected_result]
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    corrections = list(meeting.corrections.all())
    if corrections:
        doc.add_heading(_("Corrections"), level=1)
        for c in corrections:
            doc.add_paragraph(f"{c.at:%Y-%m-%d} {c.target}: {c.old} → {c.new}（{c.reason}）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
