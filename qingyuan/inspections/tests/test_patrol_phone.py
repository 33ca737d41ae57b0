"""The patrol list has a "new patrol" button for those who may record, and the patrol form fits a phone."""

import re

import pytest

from qingyuan.test import browser_login


def test_the_list_offers_a_new_patrol_to_inspectors_only(world, as_user):
    page = as_user(world.inspector).get("/inspections/").content.decode()
    assert re.search(r'<a class="btn btn-primary" href="/inspections/new/" id="new-patrol">新建巡查</a>', page)
    for persona in (world.regulator, world.officer):
        assert 'id="new-patrol"' not in as_user(persona).get("/inspections/").content.decode()


def test_new_patrol_without_an_enterprise_asks_which_one(world, as_user):
    response = as_user(world.inspector).get("/inspections/new/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="start-enterprise"' in page and f'<option value="{world.enterprise_a.pk}">甲化工有限公司</option>' in page
    assert as_user(world.regulator).get("/inspections/new/").status_code == 403


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 360])
def test_the_patrol_form_fits_a_phone(live_server, page, world, width):
    page.set_viewport_size({"width": width, "height": 844})
    browser_login(page, live_server.url, "inspector")
    page.goto(f"{live_server.url}/inspections/")
    page.click("#new-patrol")
    page.select_option("#start-enterprise", str(world.enterprise_a.pk))
    page.click("#start-patrol button[type=submit]")
    page.wait_for_selector("#patrol-form")
    page.click("#add-finding")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wide = page.evaluate("""(w) => Array.from(document.querySelectorAll('#patrol-form *'))
        .filter(e => e.getBoundingClientRect().right > w + 0.5).map(e => e.tagName + '#' + e.id + '.' + e.className)""",
                         width)
    assert wide == []
