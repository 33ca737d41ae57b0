"""Browser journey in Chromium: the office schedules a leading-group meeting and invites two units; the units
reply; a member signs in by phone from the QR code's link; the office records two decisions and the chair
approves; the two assignments appear in the units' work lists; the next meeting carries them over."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from qingyuan.meetings.models import Meeting
from qingyuan.tasks.models import Assignment
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser


def click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def schedule(page: Any, base: str, world: Any, title: str, starts: dt.datetime) -> Meeting:
    page.goto(f"{base}/meetings/")
    click(page, "#schedule-meeting")
    page.select_option("#id_kind", "leading_group")
    page.fill("#id_title", title)
    page.fill("#id_starts_at", f"{starts:%Y-%m-%dT%H:%M}")
    page.fill("#id_ends_at", f"{starts + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.fill("#id_place", "园区管委会三楼会议室")
    page.select_option("#id_chair", str(world.leader.pk))
    page.check(f"input[name=units][value='{world.bureau.pk}']")
    page.check(f"input[name=units][value='{world.township_unit.pk}']")
    click(page, "#meeting-form button[type=submit]")
    meeting = Meeting.objects.get(title=title)
    assert page.url.endswith(f"/meetings/{meeting.pk}/")
    return meeting


def decide(page: Any, item_pk: int, text: str, unit_pk: int, deadline: dt.date) -> None:
    form = f"#item-{item_pk} .decision-form"
    page.click(f"#item-{item_pk} details:has(.decision-form) summary")
    page.fill(f"{form} textarea[name=text]", text)
    page.select_option(f"{form} select[name=responsible_unit]", str(unit_pk))
    page.fill(f"{form} input[name=deadline]", deadline.isoformat())
    click(page, f"{form} button[type=submit]")


def test_office_schedules_units_reply_member_signs_in_chair_approves_next_meeting_carries_over(
        live_server: Any, page: Any, transactional_db: Any, world: Any) -> None:
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    base = live_server.url
    now = timezone.localtime().replace(second=0, microsecond=0)

    # 1. The office schedules the meeting from the menu, adds an item and sends the notice.
    browser_login(page, base, "regulator")
    page.click("#nav-governance")
    click(page, "#nav-meetings")
    meeting = schedule(page, base, world, "领导小组第五次全体会议", now - dt.timedelta(minutes=10))
    page.fill("#add-item input[name=title]", "园区污水处理厂提标改造进展")
    click(page, "#add-item button[type=submit]")
    click(page, "button[data-transition=meeting-send_notice]")
    assert page.inner_text("#meeting-status") == "已发通知"
    qr_page = page.context.new_page()
    qr_page.goto(f"{base}/meetings/{meeting.pk}/qr/")
    assert qr_page.locator("#sign-in-qr svg").count() == 1
    sign_in_url = qr_page.get_attribute("#sign-in-url", "href")
    qr_page.close()

    # 2. The units reply from their homes: the bureau confirms, the township sends a deputy.
    browser_login(page, base, "officer")
    click(page, "#meetings-panel li a")
    page.check("#reply-form input[value=confirmed]")
    click(page, "#reply-form button[type=submit]")
    assert page.inner_text("#my-response") == "参会"
    browser_login(page, base, "township")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.check("#reply-form input[value=deputy]")
    page.fill("#reply-form input[name=deputy_name]", "镇党政办主任")
    click(page, "#reply-form button[type=submit]")

    # 3. The bureau's member signs in by phone from the link in the QR code.
    browser_login(page, base, "officer")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(sign_in_url)
    click(page, "#sign-in-button")
    assert "已于" in page.inner_text("#signed-in")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 4. The office marks it held, records two decisions and submits; the chair approves.
    browser_login(page, base, "regulator")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    click(page, "button[data-transition=meeting-hold]")
    item = meeting.items.get()
    deadline = timezone.localdate() + dt.timedelta(days=30)
    decide(page, item.pk, "完成园区雨污分流改造", world.bureau.pk, deadline)
    decide(page, item.pk, "做好沿线群众工作", world.township_unit.pk, deadline)
    click(page, "button[data-transition=minutes-submit]")
    browser_login(page, base, "leader")
    page.goto(f"{base}/meetings/{meeting.pk}/")
    click(page, "button[data-transition=minutes-approve]")
    assert page.locator("#decisions .assignment-link").count() == 2
    assert page.locator("#decisions .decision-state[data-state=on_track]").count() == 2

    # 5. The assignments are in the units' work lists.
    for username, text in (("officer", "完成园区雨污分流改造"), ("township", "做好沿线群众工作")):
        browser_login(page, base, username)
        page.goto(f"{base}/tasks/")
        assert text in page.inner_text("main"), username
    assert Assignment.objects.count() == 2

    # 6. At the next meeting, both show as carried over.
    browser_login(page, base, "regulator")
    nxt = schedule(page, base, world, "领导小组第六次全体会议", now + dt.timedelta(days=7))
    click(page, "#carry-over")
    rows = page.locator(".review-table .review-row")
    assert rows.count() == 2
    assert "完成园区雨污分流改造" in page.inner_text(".review-table")
    assert nxt.items.get(kind="review").reviews.count() == 2
    assert problems == []
