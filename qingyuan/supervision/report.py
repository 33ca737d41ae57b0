"""The group's annual report (年度监督工作报告) as Word: members, what each did, the opinions and how their
answers were rated, and the inspections the members joined."""

from __future__ import annotations

import io
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.org.models import Park
from qingyuan.supervision import services
from qingyuan.supervision.choices import AnswerRating, ParticipationStatus
from qingyuan.supervision.models import Opinion, Participation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _table(doc: object, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def render(park_ids: list[int], year: int) -> bytes:
    from docx import Document

    parks = "、".join(Park.objects.filter(pk__in=park_ids).order_by("name").values_list("name", flat=True))
    records = services.year_records(park_ids, year)
    opinions = list(Opinion.objects.filter(park_id__in=park_ids, year=year).select_related("member", "unit")
                    .order_by("serial"))
    joined = list(Participation.objects.filter(park_id__in=park_ids, day__year=year,
                                               status=ParticipationStatus.CONFIRMED)
                  .select_related("member", "patrol__enterprise", "acceptance__plan__enterprise").order_by("day"))
    doc = Document()
    doc.add_heading(_("%(year)d annual report of the democratic supervision group") % {"year": year}, level=0)
    doc.add_paragraph(_("%(parks)s · generated %(date)s") % {"parks": parks,
                                                             "date": timezone.localdate().isoformat()})

    doc.add_heading(_("Summary"), level=1)
    rated = Counter(o.rating for o in opinions if o.rating)
    n_rated = sum(rated.values())
    good = rated[AnswerRating.SATISFIED] + rated[AnswerRating.BASICALLY]
    doc.add_paragraph(_(
        "%(members)d members; %(opinions)d opinions filed, %(answered)d answered, %(rated)d answers rated "
        "(%(good)d satisfied or basically satisfied); %(joined)d participations in inspections.") % {
        "members": len(records), "opinions": len(opinions),
        "answered": sum(1 for o in opinions if o.answered_at), "rated": n_rated, "good": good,
        "joined": len(joined)})

    doc.add_heading(_("Members and their participation"), level=1)
    _table(doc, [_("Member"), _("Type"), _("Term"), _("Opinions filed"), _("Inspections joined"),
                 _("Answers rated")],
           [[r.member.name, str(r.member.get_type_display()), f"{r.member.term_start:%Y-%m-%d} — "
             f"{r.member.term_end:%Y-%m-%d}", str(r.opinions_filed), str(r.inspections_joined),
             str(r.answers_rated)] for r in records])

    doc.add_heading(_("Supervision opinions"), level=1)
    _table(doc, [_("Number"), _("Subject"), _("Member"), _("Addressed to"), _("Status"), _("Rating")],
           [[o.number, o.subject, o.member.name, str(o.unit), str(o.get_status_display()),
             str(o.get_rating_display()) if o.rating else "—"] for o in opinions])

    doc.add_heading(_("Inspections joined"), level=1)
    _table(doc, [_("Day"), _("Inspection"), _("Member"), _("Signed")],
           [[p.day.isoformat(), f"{p.inspection_kind}: {p.inspection}", p.member.name,
             timezone.localtime(p.signed_at).strftime("%Y-%m-%d %H:%M") if p.signed_at else "—"] for p in joined])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
