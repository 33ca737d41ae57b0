"""Browser journey in Chromium on a phone: a citizen opens the park map, taps an enterprise's marker,
and reads its public card (status, permit limits, compliance, exceedances, plan)."""

from __future__ import annotations

from typing import Any

import pytest

from qingyuan.portal.tests import county as county_module
from qingyuan.test import wait_until

pytestmark = pytest.mark.browser


def test_a_citizen_on_a_phone_opens_an_enterprise_card_from_the_park_map(
        live_server: Any, browser: Any, transactional_db: Any, world: Any) -> None:
    county = county_module.build(world)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    base = live_server.url
    try:
        page.goto(f"{base}/public/")  # two parks: the visitor picks theirs
        with page.expect_navigation():
            page.tap(f"a[href='/public/park/{world.park.code}/']")
        page.tap("#open-map")
        page.wait_for_url(f"{base}/public/park/{world.park.code}/map/")
        wait_until(page, "document.querySelectorAll('path.enterprise-marker').length === 2")
        page.locator(f"path.enterprise-{world.enterprise_a.pk}").tap()
        page.wait_for_selector(".enterprise-popup")
        assert "甲化工有限公司" in page.inner_text(".enterprise-popup")
        with page.expect_navigation():
            page.tap(".enterprise-popup a.open-card")
        assert page.url == f"{base}/public/enterprise/{world.enterprise_a.pk}/"
        assert page.inner_text("#enterprise-name") == "甲化工有限公司"
        assert page.inner_text("#enterprise-status") == world.enterprise_a.get_status_display()
        limits = page.inner_text("#limits")
        assert "化学需氧量" in limits and "100" in limits
        assert "28/29" in page.inner_text("#compliance")  # the last 30 days: 29 valid, one over the limit
        assert page.locator(f"#exceedance-{county.alarm_closed.pk}").count() == 1
        assert page.locator(f"#exceedance-{county.alarm_recent.pk}").count() == 0
        assert "废水预处理提标" in page.inner_text("#plan")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the card overflows the phone's width: {width}px"
        assert problems == []
    finally:
        context.close()
