"""Browser journeys of issue 11 beyond the leader's (test_browser.py):

* a unit officer goes from their home to the most urgent item of their work list (overdue, then the
  higher escalation level, then the nearer deadline) and acts on it: signs, reports progress;
* an inspector on a phone opens the park map from the menu, taps an enterprise, starts a patrol from
  its popup (开始巡查), fills the compact form and saves it; nothing overflows 390 px.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from qingyuan.cockpit.tests.helpers import late
from qingyuan.core.models import AuditEntry
from qingyuan.inspections.models import Patrol
from qingyuan.tasks.choices import EscalationLevel
from qingyuan.tasks.models import Assignment, ProgressReport
from qingyuan.tasks.tests.conftest import issue
from qingyuan.test import browser_login, make_world, wait_until

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _act(page, name: str, fields: dict[str, str] | None = None) -> None:
    page.click(f"#actions button[data-action={name}]")
    modal = f"#action-{name}"
    page.wait_for_selector(f"{modal}.show")
    for selector, value in (fields or {}).items():
        page.fill(f"{modal} {selector}", value)
    page.click(f"{modal} button[type=submit]")


def test_a_unit_officer_goes_from_home_to_the_most_urgent_item_and_acts_on_it(live_server, page, transactional_db):
    w = make_world()
    issue(w, days=2, subject="雨水排口规范化整治")                      # due soon, not overdue
    late(w, 6, subject="危废台账补齐")                                   # overdue longest, not escalated
    urgent = late(w, 1, subject="废气收集设施整改")                       # overdue and urged: first
    Assignment.objects.filter(pk=urgent.pk).update(escalation_level=EscalationLevel.URGED)
    late(w, 9, unit=w.township_unit, enterprise=w.enterprise_b, subject="乙化工异味排查")  # another unit's
    base = live_server.url
    errors = _watch(page)
    browser_login(page, base, "officer")

    first = page.locator("#my-work #work-list a").first
    assert "废气收集设施整改" in first.inner_text() and "逾期" in first.inner_text()
    assert "乙化工异味排查" not in page.inner_text("#my-work")
    first.click()
    page.wait_for_url(f"{base}/tasks/{urgent.pk}/")
    assert page.inner_text("#assignment-status") == "待签收"

    _act(page, "sign")
    page.wait_for_selector("#assignment-status:has-text('办理中')")
    _act(page, "report_progress", {"input[name=percent]": "40", "textarea[name=text]": "收集罩已完成设计，设备采购中。"})
    page.wait_for_selector("#progress-bar:has-text('40%')")
    assert "签收" in page.inner_text("#timeline") and "报送进展" in page.inner_text("#timeline")

    urgent.refresh_from_db()
    assert (urgent.status, urgent.progress) == ("in_progress", 40)
    kind = ContentType.objects.get_for_model(Assignment)
    signed = AuditEntry.objects.get(action="assignment.sign", object_type=kind, object_id=str(urgent.pk))
    assert (signed.user, signed.before, signed.after) == (w.officer, {"status": "issued"}, {"status": "in_progress"})
    report = ProgressReport.objects.get(assignment=urgent)
    assert (report.percent, report.reported_by) == (40, w.officer)
    assert AuditEntry.objects.filter(action="assignment.progress", object_id=str(report.pk), user=w.officer,
                                     related_type=kind, related_id=str(urgent.pk)).exists()
    assert Assignment.objects.exclude(pk=urgent.pk).filter(status="in_progress").count() == 0

    page.goto(f"{base}/")  # back home: still the most urgent, now waiting for progress or completion
    first = page.locator("#my-work #work-list a").first
    assert "废气收集设施整改" in first.inner_text() and "报送进展或办结" in first.inner_text()
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors


def test_an_inspector_on_a_phone_starts_a_patrol_from_the_map(live_server, browser, transactional_db):
    w = make_world()
    w.enterprise_a.latitude, w.enterprise_a.longitude = Decimal("27.8351"), Decimal("116.4122")
    w.enterprise_a.save()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, geolocation={"latitude": 27.8352, "longitude": 116.4121,
                                                               "accuracy": 12}, permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = _watch(page)
    base = live_server.url
    browser_login(page, base, "inspector")

    page.tap(".navbar-toggler")
    page.tap("#nav-map")
    page.wait_for_url(f"{base}/cockpit/map/")
    page.wait_for_selector("#park-map[data-ready='1']")
    assert not page.evaluate(OVERFLOW), "the map overflows at 390 px"
    page.locator("#park-map path.leaflet-interactive").first.tap()
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert "甲化工有限公司" in popup.inner_text()
    page.tap(".leaflet-popup-content a.map-start-patrol")
    page.wait_for_url(f"{base}/inspections/new/?enterprise={w.enterprise_a.pk}")
    assert "甲化工有限公司" in page.inner_text("h1")

    wait_until(page, "document.querySelector('#patrol-form [name=latitude]').value !== ''")
    page.tap("#all-ok")
    page.fill("#patrol-form [name=notes]", "现场生产正常，废气处理设施运行中。")
    assert not page.evaluate(OVERFLOW), "the patrol form overflows at 390 px"
    page.tap("#submit-patrol")
    page.wait_for_url(re.compile(r"/inspections/\d+/$"))
    assert not page.evaluate(OVERFLOW), "the patrol page overflows at 390 px"

    patrol = Patrol.objects.get()
    assert page.url == f"{base}/inspections/{patrol.pk}/"
    assert (patrol.enterprise, patrol.recorded_by, patrol.notes) == (w.enterprise_a, w.inspector,
                                                                    "现场生产正常，废气处理设施运行中。")
    assert patrol.latitude is not None and all(v["answer"] == "ok" for v in patrol.checklist.values())
    entry = AuditEntry.objects.get(action="patrol.create", object_id=str(patrol.pk))
    assert (entry.user, entry.related_id) == (w.inspector, str(w.enterprise_a.pk))
    assert not [e for e in errors if "Content Security Policy" in e or "Uncaught" in e], errors
    context.close()
