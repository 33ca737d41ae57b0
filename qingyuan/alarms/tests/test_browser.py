"""Browser journey in Chromium: an exceedance alarm from committed readings, known, explained, verified, closed.

A daily COD value above enterprise A's permit is committed through ``process_packets`` (the gateway's sink);
the engine raises the alarm on commit and issues an assignment to A's linked unit (县环保局). The regulator
sees it on the board and acknowledges it; A's user sees only A's alarms, tries to explain without evidence,
then explains with a maintenance record; the regulator verifies it (甄别: accepted) and closes it. B's user
gets a 404 for A's alarm.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qingyuan.alarms.models import Alarm
from qingyuan.core import attachments
from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.ingest.process import process_packets
from qingyuan.quality.tests.support import packet, permit
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser
LOCAL = dt.timezone(dt.timedelta(hours=8))


def login(page, base, username):
    browser_login(page, base, username)


def act(page, name, note=""):
    form = f"#actions form[data-action={name}]"
    if note:
        page.fill(f"{form} textarea[name=reason]", note)
    page.click(f"{form} button[type=submit]")


def exceed(point, day, value):
    """A device's daily COD mean for ``day``, committed the way the gateway commits it."""
    outcomes = process_packets([packet(point, dt.datetime.combine(day, dt.time(), tzinfo=LOCAL),
                                       {"w01018": value}, cn="2031")])
    assert [o.verdict.value for o in outcomes] == ["stored"]
    return Alarm.objects.get(point=point, kind="exceedance")


def test_an_exceedance_is_acknowledged_explained_verified_and_closed(live_server, page, transactional_db, world,
                                                                     tmp_path):
    base = live_server.url
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})  # GB 8978: judged on the daily mean
    permit(world.enterprise_b, world.point_b.outlet, {"w01018": 100.0})
    alarm = exceed(world.point_a, yesterday, 126.5)
    other = exceed(world.point_b, yesterday, 140.0)
    assert (alarm.status, alarm.severity, alarm.peak, alarm.limit) == ("open", "high", 126.5, 100.0)
    assignment = alarm.assignment
    assert (assignment.assignee_unit, assignment.status) == (world.bureau, "issued")
    url = f"{base}/alarms/{alarm.pk}/"

    # The regulator sees both enterprises' alarms on the board and acknowledges A's.
    login(page, base, "regulator")
    page.goto(f"{base}/alarms/")
    row = page.locator(f"tr[data-alarm='{alarm.pk}']")
    assert page.locator(f"tr[data-alarm='{other.pk}']").count() == 1
    text = row.inner_text()
    for expected in ("超标", "高", "甲化工有限公司", "甲化工有限公司总排口", "126.5", "mg/L", "待处理"):
        assert expected in text, expected
    row.locator("a", has_text="超标").click()
    page.wait_for_url(url)
    assert "超标" in page.inner_text("h1") and page.inner_text("#alarm-status") == "待处理"
    assert page.inner_text("#alarm-peak") == "126.5000 mg/L"
    assert "县环保局" in page.inner_text("#history")
    act(page, "acknowledge")
    page.wait_for_selector("#alarm-status:has-text('已知悉')")
    assert "已完成：知悉" in page.inner_text("body")
    assert "整治办干部" in page.inner_text("#history")

    # Enterprise A's user finds it in its work, sees only A's alarms and explains it with a maintenance record.
    login(page, base, "ent_a")
    page.goto(f"{base}/work/")
    work = page.locator(f"#work-list a[href='/alarms/{alarm.pk}/']")
    assert "解释报警" in work.inner_text() and f"/alarms/{other.pk}/" not in page.inner_html("#work-list")
    page.goto(f"{base}/alarms/")
    assert page.locator(f"tr[data-alarm='{alarm.pk}']").count() == 1
    assert page.locator(f"tr[data-alarm='{other.pk}']").count() == 0
    assert "乙化工有限公司" not in page.inner_text("#alarm-table")
    page.click(f"tr[data-alarm='{alarm.pk}'] a >> nth=0")
    page.wait_for_url(url)
    page.select_option("#id_kind", "maintenance")
    page.fill("#id_text", "在线仪表维护后标液残留，已重新校准并比对。")
    page.click("#explain-form button[type=submit]")  # no evidence yet
    page.wait_for_selector("#explain-form .alert-danger")
    assert "没有证据的情况说明无法甄别" in page.inner_text("#explain-form")
    assert Alarm.objects.get(pk=alarm.pk).status == "acknowledged"
    record = tmp_path / "设备维护记录.pdf"
    record.write_bytes(b"%PDF-1.4\n% maintenance record of the COD analyser\n")
    page.select_option("#id_kind", "maintenance")
    page.fill("#id_text", "在线仪表维护后标液残留，已重新校准并比对。")
    page.set_input_files("#id_files", str(record))
    page.click("#explain-form button[type=submit]")
    page.wait_for_selector("#alarm-status:has-text('已说明')")
    explanation = page.inner_text("#explanation")
    for expected in ("运维或校准", "在线仪表维护后标液残留", "设备维护记录.pdf", "甲企业环保员"):
        assert expected in explanation, expected
    assert page.locator("#actions").count() == 0  # nothing left for the enterprise to do

    # Enterprise B's user cannot open A's alarm.
    login(page, base, "ent_b")
    response = page.goto(url)
    assert response.status == 404
    assert "在线仪表维护" not in page.content()
    page.goto(f"{base}/alarms/")
    assert page.locator(f"tr[data-alarm='{alarm.pk}']").count() == 0
    assert page.locator(f"tr[data-alarm='{other.pk}']").count() == 1

    # The regulator verifies (甄别: accepted) and closes it.
    login(page, base, "regulator")
    page.goto(url)
    with page.expect_download() as download:
        page.click("#explanation a:has-text('设备维护记录.pdf')")
    assert download.value.suggested_filename == "设备维护记录.pdf"
    act(page, "accept", "与运维台账一致，说明成立。")
    page.wait_for_selector("#alarm-status:has-text('已甄别')")
    verdict = page.inner_text("#verdict")
    assert "说明成立" in verdict and "与运维台账一致" in verdict and "整治办干部" in verdict
    act(page, "close", "已核实，关闭。")
    page.wait_for_selector("#alarm-status:has-text('已关闭')")
    history = page.inner_text("#history")
    for step in ("知悉", "说明", "认可说明", "关闭", "甲企业环保员", "整治办干部"):
        assert step in history, step
    assert page.locator("#actions").count() == 0
    page.goto(f"{base}/alarms/")
    assert page.locator(f"tr[data-alarm='{alarm.pk}']").count() == 0  # the board shows what is not closed
    page.select_option("#id_status", "closed")
    page.wait_for_selector(f"tr[data-alarm='{alarm.pk}']")
    assert "已关闭" in page.inner_text(f"tr[data-alarm='{alarm.pk}']")

    # The database: the final state, the evidence, the transitions and their audit entries.
    alarm.refresh_from_db()
    assert (alarm.status, alarm.verdict, alarm.explanation_kind) == ("closed", "accepted", "maintenance")
    assert (alarm.explained_by_name, alarm.verified_by_name) == ("甲企业环保员", "整治办干部")
    assert alarm.verdict_note == "与运维台账一致，说明成立。" and alarm.closed_at is not None
    evidence = attachments.for_owner(alarm).get()
    assert (evidence.name, evidence.mime, evidence.uploaded_by) == ("设备维护记录.pdf", "application/pdf",
                                                                    world.ent_a)
    steps = list(TransitionRecord.objects.filter(workflow="alarm", object_id=str(alarm.pk)).order_by("id")
                 .values_list("transition", "user_name"))
    assert steps == [("acknowledge", "整治办干部"), ("explain", "甲企业环保员"), ("accept", "整治办干部"),
                     ("close", "整治办干部")]
    raised, link, *entries = AuditEntry.objects.filter(object_id=str(alarm.pk), action__startswith="alarm.") \
        .order_by("id")
    # the system links the alarm to the assignment it opened (issue 15: system changes are audited)
    assert (link.action, link.user, link.after) == ("alarm.link_assignment", None,
                                                    {"assignment_id": alarm.assignment_id})
    assert (raised.action, raised.user, raised.user_name, raised.related_id) == ("alarm.raise", None, "",
                                                                                 str(world.point_a.pk))
    assert (raised.after["kind"], raised.after["peak"], raised.after["limit"]) == ("exceedance", 126.5, 100.0)
    assert [(e.action, e.user_name, e.before, e.after) for e in entries] == [
        ("alarm.acknowledge", "整治办干部", {"status": "open"}, {"status": "acknowledged"}),
        ("alarm.explain", "甲企业环保员", {"status": "acknowledged"}, {"status": "explained"}),
        ("alarm.accept", "整治办干部", {"status": "explained"}, {"status": "verified"}),
        ("alarm.close", "整治办干部", {"status": "verified"}, {"status": "closed"}),
    ]
    assert all(e.request_id for e in entries)  # each came from a browser request
    assert [e.user for e in entries] == [world.regulator, world.ent_a, world.regulator, world.regulator]
    assert (entries[2].message, entries[3].message) == ("与运维台账一致，说明成立。", "已核实，关闭。")

    # The assignment the alarm opened waits for 县环保局 to sign it; it links back to the alarm.
    assignment.refresh_from_db()
    assert (assignment.status, assignment.assignee_unit, assignment.enterprise) == ("issued", world.bureau,
                                                                                    world.enterprise_a)
    assert (assignment.priority, assignment.source_label) == ("urgent", f"报警 #{alarm.pk}")
    page.goto(url)
    page.click("#assignment-link")
    page.wait_for_url(f"{base}/tasks/{assignment.pk}/")
    assert page.inner_text("#assignment-status") == "待签收"
    assert "县环保局" in page.inner_text("#assignee-unit")
    page.click(f"a:has-text('报警 #{alarm.pk}')")
    page.wait_for_url(url)
