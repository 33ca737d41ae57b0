"""Pages and outputs: who sees what, the evidence list, the Excel, the Word notice, the compute job."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from qingyuan.assessment import actions
from qingyuan.assessment.choices import VetoCondition
from qingyuan.assessment.models import Score
from qingyuan.assessment.tests.county import NOW, build, score_manual_and_adjust, to_self_assessment
from qingyuan.core import jobs
from qingyuan.core.models import Job
from qingyuan.org.choices import Role
from qingyuan.test import make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def county(world: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        c = build(world)
        to_self_assessment(c, world)
        score_manual_and_adjust(c, world)
        actions.do_record_veto(c.scheme, c.township, condition=VetoCondition.MASS_PETITION, reason="7月群众集体上访",
                               occurred_on=dt.date(2026, 7, 8),
                               uploads=[SimpleUploadedFile("信访登记.pdf", PDF, "application/pdf")],
                               acting_user=world.regulator)
        actions.do_compute_scores(c.scheme, acting_user=world.regulator)
        yield c


def url(c: Any, suffix: str = "") -> str:
    return f"/assessment/{c.scheme.pk}/{suffix}"


def test_it_shows_the_ranking_with_the_veto_reason_to_the_leader(county: Any, world: Any, as_user: Any) -> None:
    response = as_user(world.leader).get(url(county))
    assert response.status_code == 200
    text = response.content.decode()
    assert "66.05" in text and "103.00" in text and "26.00" in text
    assert "7月群众集体上访" in text
    assert text.index("县环保局") < text.index("江口镇") < text.index("7月群众集体上访")


def test_it_shows_a_unit_only_its_own_results(county: Any, world: Any, as_user: Any) -> None:
    client = as_user(world.township)
    page = client.get(url(county)).content.decode()
    assert "103.00" in page and "66.05" not in page and "26.00" not in page
    assert client.get(url(county, f"units/{county.township.pk}/")).status_code == 200
    assert client.get(url(county, f"units/{county.bureau.pk}/")).status_code == 404
    bureau_score = Score.objects.filter(scheme=county.scheme, unit=county.bureau).first()
    assert client.get(url(county, f"scores/{bureau_score.pk}/evidence/")).status_code == 404
    book = load_workbook(io.BytesIO(client.get(url(county, "scores.xlsx")).content))
    assert [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["临江镇"]


@pytest.mark.parametrize("persona", ["ent_a", "ent_b", "outsider", "inspector"])
def test_it_hides_the_assessment_from_enterprises_and_others(county: Any, world: Any, as_user: Any,
                                                             persona: str) -> None:
    client = as_user(getattr(world, persona))
    assert client.get(url(county)).status_code == 404
    assert client.get(url(county, "scores.xlsx")).status_code == 404
    assert client.get(url(county, f"units/{county.bureau.pk}/")).status_code == 404
    assert county.scheme.title not in client.get("/assessment/").content.decode()


def test_it_shows_the_scheme_only_to_an_assessed_units_officers_not_its_other_staff(
        county: Any, world: Any, as_user: Any) -> None:
    staff = make_user("bureau-inspector", world.park, Role.INSPECTOR, world.bureau)
    client = as_user(staff)
    assert client.get(url(county)).status_code == 404
    assert county.scheme.title not in client.get("/assessment/").content.decode()
    assert as_user(world.officer).get(url(county)).status_code == 200


def test_it_opens_the_exact_records_behind_a_score(county: Any, world: Any, as_user: Any) -> None:
    score = Score.objects.get(scheme=county.scheme, unit=county.bureau, indicator=county.ind["on_time"], quarter=0)
    page = as_user(world.regulator).get(url(county, f"scores/{score.pk}/evidence/")).content.decode()
    for a in county.assignments["bureau"]:
        assert f'href="/tasks/{a.pk}/"' in page
    assert page.count('<li class="text-success">') == 3 and page.count('<li class="text-danger">') == 1


def test_it_writes_the_word_notice(county: Any, world: Any, as_user: Any) -> None:
    response = as_user(world.leader).get(url(county, "notice.docx"))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] in ("Notice of the assessment results", "考核结果通报")
    assert len(headings) == 4
    ranking = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in ranking.rows[1:]]
    assert rows[0][:4] == ["1", "县环保局", "66.05", rows[0][3]]
    assert rows[2][1] == "临江镇" and "7月群众集体上访" in rows[2][4]
    assert any("临江镇" in p.text and "7月群众集体上访" in p.text for p in doc.paragraphs)
    assert as_user(world.township).get(url(county, "notice.docx")).status_code == 403


def test_it_computes_the_year_as_a_job_with_progress_and_an_excel(county: Any, world: Any, as_user: Any) -> None:
    client = as_user(world.regulator)
    with time_machine.travel(NOW, tick=False):
        response = client.post(url(county, "compute/"), {"quarter": "0"})
        job = Job.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
        jobs.run_now(job)
    assert (job.status, job.done, job.total) == ("done", job.total, 9)
    download = client.get(f"/jobs/{job.pk}/download/")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[-3]) for r in rows] == [("县环保局", 66.05), ("江口镇", 26), ("临江镇", 103)]
    assert rows[2][-1].endswith("7月群众集体上访")


def test_it_refuses_page_writes_to_readers(county: Any, world: Any, as_user: Any) -> None:
    supervisor = as_user(world.supervisor)
    assert supervisor.get(url(county)).status_code == 200
    assert supervisor.post(url(county, "compute/")).status_code == 403
    assert supervisor.post(url(county, "vetoes/"), {}).status_code == 403
    other = make_user("officer2", world.park, Role.UNIT_OFFICER, county.river, name="江口镇联络员")
    assert as_user(other).post(url(county, f"units/{county.bureau.pk}/self/"), {}).status_code == 404


def test_it_speaks_chinese_on_every_page_of_the_office(county: Any, world: Any, as_user: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    client = as_user(world.regulator)
    client.cookies["django_language"] = "zh-hans"
    draft = actions.do_create_scheme(world.park, 2027, "2027年度考核", acting_user=world.regulator)
    score = Score.objects.get(scheme=county.scheme, unit=county.bureau, indicator=county.ind["on_time"], quarter=0)
    pages = {
        "/assessment/": ["目标责任考核", "新建考核方案"],
        f"/assessment/{draft.pk}/": ["添加指标", "考核方案还没有指标"],
        url(county): ["考核结果", "一票否决", "发生群体性信访事件", "排名", "导出 Excel", "开始整治办评分"],
        url(county, f"units/{county.bureau.pk}/"): ["交办按时办结率", "条记录", "评分"],
        url(county, f"scores/{score.pk}/evidence/"): ["达标", "未达标"],
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        for word in expected:
            assert word in text, (path, word)
        for english in ("Rank", "Total", "Indicators", "Veto reason", "Appeals", "Computed from the platform"):
            assert f">{english}<" not in text, (path, english)


def test_it_answers_a_bad_quarter_with_the_year_not_an_error(county: Any, world: Any, as_user: Any) -> None:
    client = as_user(world.regulator)
    assert client.get(url(county) + "?quarter=x").status_code == 200
    with time_machine.travel(NOW, tick=False):
        assert client.post(url(county, "compute/"), {"quarter": "junk"}).status_code == 302
    assert Job.objects.get().params == {"scheme": county.scheme.pk, "quarter": 0}
