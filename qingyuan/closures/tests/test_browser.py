"""Browser journey of issue 13 in Chromium: the office opens a closure case from the enterprise's page; an
inspector verifies the production stop from a phone (390×844) with a photo; the finance officer records an
instalment on the case's compensation case and sees the balance fall."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from qingyuan.closures import actions
from qingyuan.closures.choices import CaseStatus, StepKind
from qingyuan.closures.models import ClosureCase
from qingyuan.closures.tests.helpers import patrol_at
from qingyuan.compensation.models import Payment
from qingyuan.compensation.tests.county import County, agreed
from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import Role
from qingyuan.test import browser_login, make_user

pytestmark = pytest.mark.browser
OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return problems


def test_office_opens_inspector_verifies_on_a_phone_finance_pays(live_server: Any, browser: Any,
                                                                  transactional_db: Any, world: Any, tmp_path: Any,
                                                                  settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    finance = make_user("finance", world.park, Role.FINANCE, name="财政局股长")
    today = timezone.localdate()
    base = live_server.url

    # The office opens the case from the enterprise's page.
    desk = browser.new_context(locale="zh-CN").new_page()
    problems = _watch(desk)
    browser_login(desk, base, "regulator")
    desk.goto(f"{base}/enterprises/{world.enterprise_b.pk}/")
    with desk.expect_navigation():
        desk.click("#open-closure")
    form = "#open-case"
    desk.select_option(f"{form} select[name=kind]", "closure")
    desk.fill(f"{form} input[name=decision_number]", "青政关〔2026〕9号")
    desk.fill(f"{form} input[name=decision_date]", (today - dt.timedelta(days=20)).isoformat())
    desk.select_option(f"{form} select[name=basis]", "obsolete_capacity")
    desk.fill(f"{form} input[name=deadline]", (today + dt.timedelta(days=60)).isoformat())
    desk.select_option(f"{form} select[name=responsible_unit]", str(world.bureau.pk))
    with desk.expect_navigation():
        desk.click(f"{form} button[type=submit]")
    case = ClosureCase.objects.get(enterprise=world.enterprise_b)
    assert desk.url.endswith(f"/closures/{case.pk}/") and case.decision_number == "青政关〔2026〕9号"

    # The stop is recorded; the inspector on site verifies it from a phone, with a photo.
    stop = today - dt.timedelta(days=5)
    actions.do_record_step(case, StepKind.PRODUCTION_STOPPED, acting_user=world.regulator, done_on=stop,
                           evidence="全厂停产，反应釜清空")
    patrol = patrol_at(world, stop)
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True).new_page()
    problems += _watch(phone)
    browser_login(phone, base, "inspector")
    phone.goto(f"{base}/closures/{case.pk}/")
    with phone.expect_navigation():
        phone.click(f"#step-{StepKind.PRODUCTION_STOPPED} a.btn-primary")
    assert not phone.evaluate(OVERFLOW), "the verify page overflows at 390 px"
    phone.select_option("#step-form select[name=patrol]", str(patrol.pk))
    picture = tmp_path / "stop.png"
    Image.new("RGB", (16, 16), (90, 90, 100)).save(picture, "PNG")
    phone.set_input_files("#step-form input[name=photos]", str(picture))
    with phone.expect_navigation():
        phone.click("#step-form button[type=submit]")
    case.refresh_from_db()
    assert case.status == CaseStatus.STOPPED
    assert Enterprise.objects.get(pk=world.enterprise_b.pk).status == "suspended"
    assert not phone.evaluate(OVERFLOW), "the case page overflows at 390 px"

    # The finance officer records the first instalment (gated on the stop) on the case's compensation case.
    comp = agreed(County(world=world, finance=finance, closure=case))
    browser_login(desk, base, "finance")
    desk.goto(f"{base}/closures/{case.pk}/")
    with desk.expect_navigation():
        desk.click("#compensation-link")
    assert desk.url.endswith(f"/compensation/{comp.pk}/")
    pay = "form[data-pay='1']"
    desk.fill(f"{pay} input[name=voucher_number]", "青财补〔2026〕101号")
    desk.select_option(f"{pay} select[name=budget_line]", "county")
    desk.fill(f"{pay} input[name=paid_on]", today.isoformat())
    desk.fill(f"{pay} input[name=amount]", "2000000")
    with desk.expect_navigation():
        desk.click(f"{pay} button[type=submit]")
    assert desk.inner_text("#case-paid") == "2,000,000.00 元"
    assert desk.inner_text("#case-balance") == "4,300,000.25 元"
    assert Payment.objects.get().amount == Decimal("2000000.00")
    assert problems == []
