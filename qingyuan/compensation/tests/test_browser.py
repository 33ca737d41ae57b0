"""Browser journey in Chromium: a finance officer finds the case from the menu, records an instalment and sees
the balance fall; the pay button of an instalment still waiting for the waste disposal is refused with the reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from qingyuan.closures.choices import StepKind
from qingyuan.compensation.models import Payment
from qingyuan.compensation.tests.county import agreed, make_county
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser


def test_finance_records_an_instalment_and_a_gated_one_is_refused_with_its_reason(
        live_server: Any, page: Any, transactional_db: Any, world: Any) -> None:
    county = make_county(world)
    case = agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    base = live_server.url

    browser_login(page, base, "finance")
    page.click("#nav-governance")
    page.click("#nav-compensation")
    page.wait_for_url(f"{base}/compensation/")
    with page.expect_navigation():
        page.click(f"#case-list tr[data-case='{case.pk}'] a")
    assert page.inner_text("#case-balance") == "6,300,000.25 元"

    # Instalment 1: its step (production stopped) is verified; pay 1.5 million of it from the county budget.
    form = "form[data-pay='1']"
    page.fill(f"{form} input[name=voucher_number]", "青财补〔2026〕061号")
    page.select_option(f"{form} select[name=budget_line]", "county")
    page.fill(f"{form} input[name=paid_on]", "2026-07-01")
    page.fill(f"{form} input[name=amount]", "1500000")
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    assert page.inner_text("#case-balance") == "4,800,000.25 元"
    assert page.inner_text("#case-paid") == "1,500,000.00 元"
    assert "青财补〔2026〕061号" in page.inner_text("#payments")
    assert Payment.objects.get().amount == Decimal("1500000.00")

    # Instalment 3 waits for the hazardous-waste disposal: its pay button is refused, saying so.
    page.click("tr.pay-row:has(form[data-pay='3']) summary")
    form = "form[data-pay='3']"
    page.fill(f"{form} input[name=voucher_number]", "青财补〔2026〕062号")
    page.fill(f"{form} input[name=paid_on]", "2026-07-02")
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    alert = page.inner_text(".alert-danger")
    with translation.override("zh-hans"):
        step = str(StepKind.WASTE_DISPOSED.label)  # the closures app's label, in Chinese once it is translated
    assert "第3期暂不能支付" in alert and f"“{step}”尚未核验" in alert
    assert page.inner_text("#case-balance") == "4,800,000.25 元"
    assert Payment.objects.count() == 1
    assert problems == []
