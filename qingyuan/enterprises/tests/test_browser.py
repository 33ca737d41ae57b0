"""Browser journey in Chromium: office filters, opens, changes a status; ent2 cannot see ent1's enterprise."""

import re

import pytest
from django.core.management import call_command

from qingyuan.demo import data
from qingyuan.enterprises.models import Enterprise
from qingyuan.test import browser_login, wait_until

pytestmark = pytest.mark.browser


def login(page, base, username):
    browser_login(page, base, username, data.PASSWORD)


def test_office_changes_a_status_and_ent2_gets_404(live_server, page, transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    base = live_server.url
    login(page, base, "office")
    page.goto(f"{base}/enterprises/")
    page.select_option("#id_status", "operating")
    page.wait_for_url(re.compile(r"status=operating"))
    page.fill("#id_q", "康源")
    wait_until(page, "document.querySelectorAll('#enterprise-table tbody tr').length === 1")
    assert "青溪康源制药有限公司" in page.inner_text("#enterprise-table")
    page.click("text=青溪康源制药有限公司")
    page.click("button:has-text('责令停产')")
    page.fill("#reason-suspend", "在线监测COD持续超标，责令停产整治")
    page.click("#transition-suspend button[type=submit]")
    page.wait_for_selector("#enterprise-status:has-text('停产')")
    assert "在线监测COD持续超标" in page.inner_text("#status-history")
    enterprise = Enterprise.objects.get(name="青溪康源制药有限公司")
    assert enterprise.status == "suspended"

    page.context.clear_cookies()
    login(page, base, "ent2")
    ent1_enterprise = Enterprise.objects.get(name=data.ENTERPRISE_OF["ent1"])
    response = page.goto(f"{base}/enterprises/{ent1_enterprise.pk}/")
    assert response.status == 404
