"""The briefing as .docx (reopened with python-docx) and as PDF (text extracted with pypdf), via jobs."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
import time_machine

from qingyuan.briefings import jobs as briefing_jobs
from qingyuan.briefings import render
from qingyuan.briefings.models import Briefing
from qingyuan.briefings.tests import county
from qingyuan.core import jobs
from qingyuan.core.models import Job


def _pdf_missing() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"WeasyPrint cannot load here ({exc}); apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"
    return None


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_writes_a_docx_with_headings_tables_and_a_chart(world: Any) -> None:
    from docx import Document

    county.month(world)
    b = county.issued(world)
    doc = Document(io.BytesIO(render.docx(b)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == b.title and "Assignments by unit" not in headings
    assert "交办事项分单位情况" in headings and "信访投诉" in headings
    assert any("清源简报〔2026〕第1期" in p.text for p in doc.paragraphs)
    tasks_table = doc.tables[0]
    assert [c.text for c in tasks_table.rows[0].cells] == ["单位", "交办", "办结", "逾期"]
    assert [c.text for c in tasks_table.rows[1].cells] == ["临江镇", "0", "0", "2"]
    assert len(doc.inline_shapes) >= 1
    assert any(p.partname.endswith(".png") for p in doc.part.package.parts)


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_writes_a_pdf_with_chinese_headings_and_figures(world: Any) -> None:
    reason = _pdf_missing()
    if reason:
        if os.environ.get("QINGYUAN_REQUIRE_PDF") == "1":
            pytest.fail(f"PDF tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    from pypdf import PdfReader

    county.month(world)
    b = county.issued(world)
    data = render.pdf(b)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert data.startswith(b"%PDF")
    assert "交办事项分单位情况" in text and "信访投诉" in text and "清源简报〔2026〕第1期" in text
    assert "临江镇" in text
    embedded = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in [font.get("/FontDescriptor")] + [d.get_object().get("/FontDescriptor")
                                                          for d in font.get("/DescendantFonts", [])]:
                if desc is not None:
                    embedded |= {k for k in desc.get_object() if k.startswith("/FontFile")}
    assert embedded, "no embedded font file"


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_generates_a_monthly_briefing_as_a_job_with_progress_and_download(world: Any, as_user: Any) -> None:
    county.month(world)
    client = as_user(world.regulator)
    response = client.post("/briefings/new/", {"kind": "monthly"})
    job = Job.objects.get(kind=briefing_jobs.DRAFT)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.params["start"] == "2026-03-01" and job.params["end"] == "2026-03-31"
    assert 'hx-trigger="every 1s"' in client.get(f"/jobs/{job.pk}/").content.decode()
    assert jobs.handle_one_job() is True
    job.refresh_from_db()
    assert job.status == "done", job.error
    b = Briefing.objects.get(pk=job.params["briefing"])
    assert b.title == "2026年3月园区整治工作简报" and b.created_by == world.regulator
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    assert as_user(world.leader).get(f"/jobs/{job.pk}/download/").status_code == 404
    assert as_user(world.officer).post("/briefings/new/", {"kind": "monthly"}).status_code == 403


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_renders_an_existing_briefing_as_a_job(world: Any, as_user: Any) -> None:
    b = county.issued(world)
    client = as_user(world.officer)
    response = client.post(f"/briefings/{b.pk}/render/", {"format": "docx"})
    job = Job.objects.get(kind=briefing_jobs.RENDER)
    assert response["Location"] == f"/jobs/{job.pk}/"
    jobs.run_now(job)
    assert job.status == "done" and job.result_name == "清源简报〔2026〕第1期.docx"
