"""Browser journey in Chromium: the office drafts last month's briefing (the job runs while the page polls),
edits a section and submits it; the leader approves; the office issues it; a unit officer of a recipient
unit reads it, and the office sees the read receipt."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qingyuan.briefings import periods
from qingyuan.briefings.models import Briefing, ReadReceipt
from qingyuan.briefings.tests import county
from qingyuan.core import jobs
from qingyuan.core.models import AuditEntry
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser
EDIT = "本月**重点**：园区雨水排口整治<script>alert(1)</script>"


def fire(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.click(f"button[data-transition={name}]")


def test_office_drafts_edits_submits_leader_approves_unit_officer_reads(
        live_server: Any, page: Any, transactional_db: Any, world: Any) -> None:
    start, end = periods.latest("monthly", timezone.localdate())
    county.assignment(world, world.bureau, start + dt.timedelta(days=1), end, closed=start + dt.timedelta(days=5))
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    base = live_server.url

    # The office: menu → briefings → generate the monthly draft; the job page polls while the worker drafts.
    browser_login(page, base, "regulator")
    page.click("#nav-governance")
    page.click("#nav-briefings")
    page.wait_for_url(f"{base}/briefings/")
    page.select_option("#id_kind", "monthly")
    with page.expect_navigation():
        page.click("#new-briefing button[type=submit]")
    assert "/jobs/" in page.url
    assert jobs.handle_one_job() is True
    page.wait_for_selector(".job-open", timeout=10_000)  # the poll brings the finished job and its link
    page.click(".job-open")
    briefing = Briefing.objects.get()
    page.wait_for_url(f"{base}/briefings/{briefing.pk}/")
    assert briefing.title == periods.default_title("monthly", start, end)

    # Edit the first section (the small markup is rendered, the typed HTML is not), choose recipients, submit.
    first = briefing.sections.order_by("order").first()
    page.click(f"#section-{first.pk} a[href$='/sections/{first.pk}/']")
    page.fill("#section-form textarea", EDIT)
    with page.expect_navigation():
        page.click("#section-form button[type=submit]")
    assert page.inner_html(f"#section-{first.pk} .section-text").count("<strong>重点</strong>") == 1
    assert "<script>alert(1)</script>" in page.inner_text(f"#section-{first.pk} .section-text")
    page.check(f"#recipients-form input[value='{world.bureau.pk}']")
    with page.expect_navigation():
        page.click("#recipients-form button[type=submit]")
    fire(page, "submit")
    briefing.refresh_from_db()
    assert briefing.status == "submitted" and briefing.sections.get(pk=first.pk).text == EDIT

    # The leader approves; the office issues it with its number.
    browser_login(page, base, "leader")
    page.goto(f"{base}/briefings/{briefing.pk}/")
    fire(page, "approve")
    browser_login(page, base, "regulator")
    page.goto(f"{base}/briefings/{briefing.pk}/")
    fire(page, "issue")
    number = f"清源简报〔{timezone.localdate().year}〕第1期"
    assert page.inner_text("#briefing-number") == number
    assert ReadReceipt.objects.count() == 0  # the office is no reader of a recipient unit

    # A unit officer of the recipient unit finds it in the archive and reads it.
    browser_login(page, base, "officer")
    page.click("#nav-governance")
    page.click("#nav-briefings")
    with page.expect_navigation():
        page.click(f"#briefing-list a[href='/briefings/{briefing.pk}/']")
    assert number in page.inner_text("#briefing-number") and "重点" in page.inner_text(f"#section-{first.pk}")
    assert page.query_selector("button[data-transition]") is None

    # The office sees the read receipt.
    browser_login(page, base, "regulator")
    page.goto(f"{base}/briefings/{briefing.pk}/")
    receipts = page.inner_text("#receipts")
    assert "环保局联络员" in receipts and world.bureau.name in receipts
    assert ReadReceipt.objects.get().user == world.officer
    assert AuditEntry.objects.filter(action="briefing.read", object_id=str(briefing.pk)).count() == 1
    assert [a for a in ("briefing.submit", "briefing.approve", "briefing.issue")
            if AuditEntry.objects.filter(action=a, object_id=str(briefing.pk)).exists()] == \
        ["briefing.submit", "briefing.approve", "briefing.issue"]
    assert not problems, problems
