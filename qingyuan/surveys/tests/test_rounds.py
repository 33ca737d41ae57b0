"""Rounds: the builder's bad input, the audited workflow, paper batches, QR codes and the notice page."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.surveys.models import Question, Response, Round
from qingyuan.surveys.tests.conftest import new_round, questions, village


def test_it_creates_a_round_with_the_satisfaction_question_and_opens_and_closes_it_audited(world, as_user):
    client = as_user(world.regulator)
    made = client.post("/surveys/", {"title": "2026年满意度调查", "kind": "yearly", "year": 2026,
                                     "opens_on": "2026-11-01", "closes_on": "2026-11-30", "intro": ""})
    r = Round.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/surveys/{r.pk}/"
    q = r.questions.get()
    assert q.is_satisfaction and q.options == ["满意", "基本满意", "一般", "不满意", "很不满意"]
    assert client.post(f"/surveys/{r.pk}/act/open/").status_code == 302
    r.refresh_from_db()
    assert r.status == "open"
    assert client.post(f"/surveys/{r.pk}/act/close/").status_code == 302
    r.refresh_from_db()
    assert r.status == "closed" and r.closed_at is not None
    assert [t.transition for t in TransitionRecord.objects.filter(workflow="survey_round")] == ["open", "close"]
    assert AuditEntry.objects.filter(action="survey_round.close", object_id=str(r.pk)).exists()
    no_reason = client.post(f"/surveys/{r.pk}/act/reopen/", follow=True)
    r.refresh_from_db()
    assert r.status == "closed" and "原因" in no_reason.content.decode()
    assert as_user(world.supervisor).post(f"/surveys/{r.pk}/act/reopen/", {"reason": "x"}).status_code == 404


def test_it_refuses_bad_questions_and_opening_without_a_satisfaction_question(world, as_user):
    r = new_round(world, status="draft")
    client = as_user(world.regulator)
    client.post(f"/surveys/{r.pk}/questions/", {"kind": "likert", "text": "评价", "options": "好\n坏",
                                                 "required": "on"})
    client.post(f"/surveys/{r.pk}/questions/", {"kind": "single", "text": "单选", "options": "只有一个"})
    refused = client.post(f"/surveys/{r.pk}/questions/", {"kind": "text", "text": "填空", "options": "",
                                                           "is_satisfaction": "on"}, follow=True).content.decode()
    assert "只有五级量表题才能设为满意度题" in refused
    assert r.questions.count() == 4
    r.questions.filter(is_satisfaction=True).delete()
    page = client.get(f"/surveys/{r.pk}/").content.decode()
    assert 'data-transition="open"' not in page
    client.post(f"/surveys/{r.pk}/act/open/")
    r.refresh_from_db()
    assert r.status == "draft"
    opened = new_round(world, year=r.year + 1)
    blocked = client.post(f"/surveys/{opened.pk}/questions/", {"kind": "text", "text": "迟到的题"}, follow=True)
    assert "只有草稿状态" in blocked.content.decode() and not Question.objects.filter(text="迟到的题").exists()


def test_it_enters_a_paper_batch_by_hand_and_from_the_excel_template(world, as_user):
    v = village(world, "临江村")
    r = new_round(world)
    q = questions(r)
    client = as_user(world.regulator)
    started = client.post(f"/surveys/{r.pk}/batches/", {"village": v.pk, "number": "P2026-01", "note": "村委会收回"})
    batch = r.batches.get()
    assert started["Location"] == f"/surveys/{r.pk}/batches/{batch.pk}/"
    again = client.post(f"/surveys/{r.pk}/batches/", {"village": v.pk, "number": "P2026-01"}, follow=True)
    assert "P2026-01 在本轮调查中已被使用" in again.content.decode() and r.batches.count() == 1
    one = client.post(started["Location"], {f"q{q['satisfaction'].pk}": "2", f"q{q['single'].pk}": "1"})
    assert one.status_code == 302
    missing = client.post(started["Location"], {f"q{q['single'].pk}": "1"})
    assert missing.status_code == 200 and Response.objects.count() == 1
    template = client.get(f"/surveys/{r.pk}/paper.xlsx")
    wb = load_workbook(io.BytesIO(template.content))
    header = [c.value for c in wb.active[1]]
    assert header[0].startswith("1. ") and len(header) == 4
    wb.active.append(["满意", "3", "异味，噪声", "夜里有气味"])
    wb.active.append([4, "1公里内", None, None])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "paper.xlsx"
    done = client.post(f"{started['Location']}upload/", {"file": out}, follow=True)
    assert "录入 2 份问卷" in done.content.decode()
    rows = list(Response.objects.filter(batch=batch).order_by("pk"))
    assert [r_.satisfaction for r_ in rows] == [2, 1, 4] and all(r_.channel == "paper" for r_ in rows)
    assert rows[1].answers[str(q["multiple"].pk)] == [1, 3] and rows[1].answers[str(q["text"].pk)] == "夜里有气味"
    wb.active.append(["非常好", 1, None, None])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "paper.xlsx"
    refused = client.post(f"{started['Location']}upload/", {"file": out}, follow=True).content.decode()
    assert "第 4 行" in refused and "非常好" in refused and Response.objects.filter(batch=batch).count() == 3
    entry = AuditEntry.objects.filter(action="survey_batch.enter").latest("pk")
    assert entry.after == {"entered": 2, "total": 3}


def test_it_gives_each_village_a_qr_code_and_a_printable_notice(world, as_user):
    v = village(world, "临江村")
    r = new_round(world)
    client = as_user(world.regulator)
    svg = client.get(f"/surveys/{r.pk}/villages/{v.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(f"/surveys/{r.pk}/villages/{v.pk}/qr.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/surveys/{r.pk}/villages/{v.pk}/qr.gif").status_code == 404
    notice = client.get(f"/surveys/{r.pk}/villages/{v.pk}/notice/").content.decode()
    assert f"/public/surveys/{r.code}/{v.pk}/" in notice and "临江村" in notice and "<script>" not in notice
    draft = new_round(world, year=r.year + 1, status="draft")
    assert as_user(world.supervisor).get(f"/surveys/{draft.pk}/").status_code == 404
    assert as_user(world.outsider).get(f"/surveys/{r.pk}/villages/{v.pk}/qr.svg").status_code == 404
