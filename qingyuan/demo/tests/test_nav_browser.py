"""The navbar at 1440 px in both languages, for the account with the longest menu.

The presentation walk (test_presentation_browser) reads every page in Chinese only; English labels
are longer ("Water sections", "Governance", "Administration"), so the menu is checked in English too:
an office member who is also staff (Administration) with an unread notification (the badge).
In Chinese the menu is one row. In English it does not fit one row (18 items, about 1,600 px of
labels): no label may break inside ("My work" on two lines, as before qingyuan.css kept links on
one line), and whole items take at most a second row. One row in English needs fewer top-level
items (base.html: e.g. Units, Devices and Loads in a dropdown).
"""

from __future__ import annotations

from typing import Any

import pytest

from qingyuan.core.models import Notification
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser

READ_NAV = """() => {
  const items = [...document.querySelectorAll("#mainnav > .navbar-nav > .nav-item")].filter((el) => el.offsetParent);
  const rows = new Set(items.map((el) => Math.round(el.getBoundingClientRect().top)));
  const wrapped = [...document.querySelectorAll("#mainnav > .navbar-nav > .nav-item > .nav-link")]
    .filter((a) => a.offsetParent && a.getBoundingClientRect().height > 48).map((a) => a.innerText.trim());
  return {lang: document.documentElement.lang, items: items.map((el) => el.innerText.trim()), rows: rows.size,
          height: document.querySelector("nav.navbar").getBoundingClientRect().height, wrapped};
}"""


@pytest.mark.parametrize(("locale", "lang", "labels", "rows"), [
    ("en-US", "en", ("Governance", "Administration"), 2), ("zh-CN", "zh-hans", ("治理", "系统管理"), 1)])
def test_it_keeps_the_longest_menu_in_its_rows_at_1440_px(live_server: Any, browser: Any, transactional_db: Any,
                                                           world: Any, locale: str, lang: str,
                                                           labels: tuple[str, str], rows: int) -> None:
    office = world.regulator
    type(office).objects.filter(pk=office.pk).update(is_staff=True)  # adds Administration
    Notification.objects.create(recipient=office, kind="test", title="未读通知", url="/")
    context = browser.new_context(locale=locale, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        browser_login(page, live_server.url, office.username)
        for path in ("/", "/alarms/"):
            page.goto(live_server.url + path)
            nav = page.evaluate(READ_NAV)
            assert nav["lang"] == lang
            assert all(label in nav["items"] for label in labels), nav["items"]  # the longest menu, translated
            assert nav["rows"] <= rows and nav["height"] < 40 + 45 * rows, f"{locale} {path}: the menu wraps: {nav}"
            assert nav["wrapped"] == [], f"{locale} {path}: labels wrap: {nav['wrapped']}"
    finally:
        context.close()
