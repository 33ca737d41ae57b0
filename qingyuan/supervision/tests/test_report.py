"""The participation record per member and year, and the group's annual report as Word (reopened)."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document

from qingyuan.inspections.tests.helpers import record
from qingyuan.supervision import actions, participation
from qingyuan.supervision.tests.helpers import member, opinion, second_member


def _year_of_work(world):
    m = member(world, name="王代表")
    other = second_member(world)
    rated = opinion(world, m, subject="北门异味")
    actions.do_answer_opinion(rated, acting_user=world.officer, answer="已整改")
    actions.do_rate_opinion(rated, acting_user=world.supervisor, rating="satisfied")
    opinion(world, m, subject="雨水排口", unit=world.township_unit)
    patrol = record(world, world.enterprise_a)
    p = participation.do_invite_member(m, acting_user=world.regulator, patrol=patrol)
    participation.do_decide_participation(p, "accept", acting_user=world.supervisor)
    participation.do_sign_participation(p, acting_user=world.supervisor, signature_name="王代表")
    return m, other


def test_it_counts_each_members_year(world, as_user):
    m, other = _year_of_work(world)
    year = timezone.localdate().year
    html = as_user(world.supervisor).get(f"/supervision/record/?year={year}").content.decode()
    row = html.split(f'data-member="{m.pk}"')[1].split("</tr>")[0]
    assert '"text-end filed">2<' in row and '"text-end joined">1<' in row and '"text-end signed">1<' in row
    assert '"text-end rated">1<' in row
    other_row = html.split(f'data-member="{other.pk}"')[1].split("</tr>")[0]
    assert '"text-end filed">0<' in other_row
    earlier = as_user(world.supervisor).get(f"/supervision/record/?year={year - 5}").content.decode()
    assert f'data-member="{m.pk}"' not in earlier  # their term started after that year


def test_it_exports_the_annual_report_as_word(world, as_user):
    _year_of_work(world)
    year = timezone.localdate().year
    response = as_user(world.regulator).get(f"/supervision/report.docx?year={year}")
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{year}" in text and "民主监督组" in text
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert ["王代表", "人大代表"] == cells[1][:2] or any(r[:2] == ["王代表", "人大代表"] for r in cells)
    member_row = next(r for r in cells if r[0] == "王代表")
    assert member_row[3:] == ["2", "1", "1"]
    assert any(r[1] == "北门异味" and r[-1] == "满意" for r in cells)
    assert any("王代表" in r and r[-1] != "—" for r in cells if len(r) == 4)  # the signed patrol
