"""Browser journey on a phone: an inspector draws, patrols the drawn enterprise through a loss of signal,
turns the finding into an assignment, and the linked unit's officer finds it in their work list."""

import re

import pytest

from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections.models import Finding, Patrol, RandomDraw
from qingyuan.inspections.tests.helpers import PNG, second_inspector
from qingyuan.tasks.models import Assignment
from qingyuan.test import browser_login, make_world, wait_until

pytestmark = pytest.mark.browser


def login(page, base, username):
    browser_login(page, base, username)


def test_an_inspector_draws_patrols_offline_and_assigns_a_finding(live_server, page, transactional_db):
    world = make_world()
    second_inspector(world)
    Enterprise.objects.filter(pk=world.enterprise_b.pk).update(risk_class="general")
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 27.8351, "longitude": 116.4122, "accuracy": 15})
    login(page, base, "inspector")

    # The draw: major-risk enterprises only (enterprise A), a pair from the two inspectors.
    page.goto(f"{base}/inspections/draws/")
    page.check("input[name=risk_classes][value=major]")
    page.fill("#id_sample_size", "1")
    page.click("#draw-button")
    page.wait_for_url(re.compile(r"/inspections/draws/\d+/$"))
    draw = RandomDraw.objects.get()
    assert page.inner_text("#draw-seed") == draw.seed
    page.click("#verify-button")
    page.wait_for_selector("#verify-ok")

    # The patrol form of the drawn enterprise, with the checklist, a finding and a photo.
    page.click("#draw-result .patrol-link")
    page.wait_for_url(re.compile(r"/inspections/new/\?enterprise=\d+&draw_item=\d+"))
    wait_until(page, "document.querySelector('#patrol-form [name=latitude]').value !== ''")
    assert "甲化工有限公司" in page.inner_text("h1")
    page.click("#all-ok")
    page.click("label[for=item-hazardous_waste-problem]")
    page.fill("#findings-0-text", "危废贮存间外露天堆放两桶废溶剂。")
    page.select_option("[name=findings-0-severity]", "serious")
    page.select_option("[name=findings-0-checklist_item]", "hazardous_waste")
    page.set_input_files("#photos", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    page.wait_for_selector("#photo-previews img")

    # The signal drops as the inspector sends: the form stays on the phone and goes when it returns.
    page.context.set_offline(True)
    page.click("#submit-patrol")
    page.wait_for_selector("#draft-status:has-text('没有网络')")
    assert not Patrol.objects.exists()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('qy-patrol:')).length") == 1
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    patrol = Patrol.objects.get()
    assert patrol.draw_item.draw == draw and patrol.kind == "random" and patrol.latitude is not None
    assert patrol.checklist["hazardous_waste"]["answer"] == "problem"
    wait_until(page, "Object.keys(localStorage).filter(k => k.startsWith('qy-patrol:')).length === 0")
    assert page.locator("#photos img").count() == 1

    # The finding becomes an assignment to the enterprise's linked unit.
    finding = Finding.objects.get()
    page.click(f"#finding-{finding.pk} .assign-form button[type=submit]")
    page.wait_for_selector(f"#finding-{finding.pk} .finding-status:has-text('已交办')")
    assignment = Assignment.objects.get()
    assert assignment.assignee_unit == world.bureau and assignment.source_id == str(finding.pk)

    # The environmental bureau's officer finds it in their work list.
    page.context.clear_cookies()
    login(page, base, "officer")
    page.goto(f"{base}/work/")
    assert assignment.subject in page.inner_text("#work-list")
