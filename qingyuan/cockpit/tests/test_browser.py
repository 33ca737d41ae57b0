"""Browser journeys in Chromium: the leader goes from the cockpit to a drill-down, to an enterprise page and
to an alarm; the cockpit, the homes and the map fit a phone (390 px) and run without CSP violations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qingyuan.cockpit.tests.helpers import story
from qingyuan.test import browser_login, make_world

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _world():
    w = make_world()
    story(w)
    w.enterprise_a.latitude, w.enterprise_a.longitude = Decimal("27.83"), Decimal("116.41")
    w.enterprise_a.save()
    return w


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_the_leader_goes_from_the_cockpit_to_an_alarm(live_server, page, transactional_db):
    w = _world()
    base = live_server.url
    errors = _watch(page)
    browser_login(page, base, "leader")

    page.wait_for_selector("#tile-loads .cockpit-chart canvas")
    assert "驾驶舱" in page.inner_text("h1")
    assert page.inner_text('[data-tile="exceeding"] .tile-n') == "1"
    page.click('[data-tile="exceeding"]')
    page.wait_for_url("**/enterprises/?exceeding=on")
    assert "甲化工有限公司" in page.inner_text("#enterprise-table")
    assert "乙化工有限公司" not in page.inner_text("#enterprise-table")

    page.click("#enterprise-table >> text=甲化工有限公司")
    page.wait_for_url(f"**/enterprises/{w.enterprise_a.pk}/")
    page.locator('a[href^="/alarms/"]').first.click()
    page.wait_for_url("**/alarms/**")
    assert "甲化工有限公司" in page.inner_text("main") if page.locator("main").count() else page.content()
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors


@pytest.mark.parametrize("username", ["leader", "ent_a", "inspector", "officer", "supervisor"])
def test_each_home_fits_a_phone(live_server, browser, transactional_db, username):
    _world()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = _watch(page)
    base = live_server.url
    browser_login(page, base, username)
    page.wait_for_load_state("networkidle")

    assert not page.evaluate(OVERFLOW), f"{username}'s home overflows at 390 px"
    if username == "inspector":
        page.wait_for_selector("#park-map[data-ready='1']")
    page.goto(f"{base}/cockpit/map/")
    page.wait_for_selector("#park-map[data-ready='1']")
    assert not page.evaluate(OVERFLOW), "the map overflows at 390 px"
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors
    context.close()


def test_the_map_popup_links_to_the_enterprise_and_escapes_its_name(live_server, page, transactional_db):
    w = _world()
    w.enterprise_a.name = "<img src=x onerror=alert(1)>甲化工"
    w.enterprise_a.save()
    base = live_server.url
    browser_login(page, base, "regulator")

    page.goto(f"{base}/cockpit/map/")
    page.wait_for_selector("#park-map[data-ready='1']")
    page.locator("#park-map path.leaflet-interactive").last.dispatch_event("click")
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "<img src=x" in popup.inner_text()
    assert page.locator(".leaflet-popup-content img").count() == 0
    href = popup.query_selector("a").get_attribute("href")
    assert href == f"/enterprises/{w.enterprise_a.pk}/"
    page.goto(base + href)
    assert "<img src=x" in page.inner_text("h1")
