"""Browser journey in Chromium: office issues to 县环保局, epb signs, reports, completes with a photo, office verifies."""

import datetime as dt

import pytest
from django.utils import timezone

from qingyuan.core import attachments
from qingyuan.demo import data
from qingyuan.demo.seed import Seeder
from qingyuan.tasks.models import Assignment, ProgressReport
from qingyuan.tasks.tests.conftest import PNG
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser


def login(page, base, username):
    browser_login(page, base, username, data.PASSWORD)


def act(page, name, fields=None, files=None):
    page.click(f"#actions button[data-action={name}]")
    modal = f"#action-{name}"
    page.wait_for_selector(f"{modal}.show")
    for selector, value in (fields or {}).items():
        page.fill(f"{modal} {selector}", value)
    if files:
        page.set_input_files(f"{modal} input[type=file]", files)
    page.click(f"{modal} button[type=submit]")


def test_office_issues_epb_completes_office_verifies(live_server, page, transactional_db, tmp_path):
    seeder = Seeder(log=lambda line: None)  # the demo county's units, people and enterprises
    seeder.park = seeder._park()
    seeder._units()
    seeder.users = {u[0]: seeder._account(*u) for u in data.ACCOUNTS}
    base = live_server.url
    deadline = timezone.localdate() + dt.timedelta(days=14)

    login(page, base, "office")
    page.goto(f"{base}/tasks/")
    page.click("#issue-link")
    page.select_option("#id_assignee_unit", label="县环保局")
    page.fill("#id_subject", "园区雨水排口在线监控安装")
    page.fill("#id_requirements", "在园区三个雨水排口安装在线监控并联网。")
    page.fill("#id_deadline", deadline.isoformat())
    page.select_option("#id_priority", "urgent")
    page.click("#issue-form button[type=submit]")
    page.wait_for_selector("#assignment-status:has-text('待签收')")
    a = Assignment.objects.get()
    assert page.url == f"{base}/tasks/{a.pk}/" and a.assignee_unit.short_name == "县环保局"

    login(page, base, "epb")
    page.goto(f"{base}/tasks/{a.pk}/")
    act(page, "sign")
    page.wait_for_selector("#assignment-status:has-text('办理中')")
    act(page, "report_progress", {"input[name=percent]": "50", "textarea[name=text]": "设备已到货，正在安装。"})
    page.wait_for_selector("#progress-bar:has-text('50%')")
    photo = tmp_path / "安装完成.png"
    photo.write_bytes(PNG)
    act(page, "submit", {"textarea[name=text]": "三个雨水排口在线监控已安装联网。"}, files=[str(photo)])
    page.wait_for_selector("#assignment-status:has-text('待核验')")
    assert "安装完成.png" in page.inner_text("#timeline")

    login(page, base, "office")
    page.goto(f"{base}/tasks/{a.pk}/")
    act(page, "accept")
    page.wait_for_selector("#assignment-status:has-text('已办结')")
    timeline = page.inner_text("#timeline")
    for step in ("签收", "报送进展", "报送办结", "核验通过"):
        assert step in timeline
    a.refresh_from_db()
    assert (a.status, a.progress) == ("completed", 100)
    evidence = attachments.for_owner(ProgressReport.objects.get(kind="completion")).get()
    assert evidence.name == "安装完成.png" and evidence.mime == "image/png"
