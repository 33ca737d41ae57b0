"""Browser journey in Chromium: a plan goes from draft through expert review to acceptance.

ent2 adds a measure to its draft and submits it; office assigns the expert; the expert gives an
opinion; office approves; ent2 marks the measures done and requests acceptance; office schedules the
inspection, records the findings and a pass; the Word record downloads; the enterprise is rectified.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document

from qingyuan.core.models import TransitionRecord
from qingyuan.demo import data
from qingyuan.enterprises.models import Enterprise
from qingyuan.plans.models import EnterprisePlan
from qingyuan.plans.tests.conftest import seed_plans_demo
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser
ENTERPRISE = data.ENTERPRISE_OF["ent2"]


def login(page, base, username):
    browser_login(page, base, username, data.PASSWORD)


def test_a_plan_goes_from_draft_through_review_to_acceptance(live_server, page, transactional_db):
    seed_plans_demo()
    base = live_server.url
    plan = EnterprisePlan.objects.get(enterprise__name=ENTERPRISE)
    today = dt.date.today()

    # ent2 completes its draft and submits it.
    login(page, base, "ent2")
    page.goto(f"{base}/plans/")
    page.click(f"text={plan.title}")
    page.click("#add-measure")
    page.select_option("#id_kind", "ldar")
    page.fill("#id_title", "开展泄漏检测与修复（LDAR）")
    page.fill("#id_owner_name", "潘雪梅")
    page.fill("#id_deadline", (today + dt.timedelta(days=60)).isoformat())
    page.fill("#id_investment", "18.5")
    page.click("#measure-form button[type=submit]")
    page.wait_for_selector("#measures:has-text('开展泄漏检测与修复（LDAR）')")
    page.click("button:has-text('提交评审')")
    page.fill("#plan-submit textarea", "首次报审")
    page.click("#plan-submit button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('已提交评审')")

    # The office assigns the expert.
    login(page, base, "office")
    page.goto(f"{base}/plans/{plan.pk}/review/")
    expert = plan.enterprise.park.memberships.get(role="expert").user
    page.check(f"#assign-form input[name=reviewers][value='{expert.pk}']")
    page.select_option("#id_lead", str(expert.pk))
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('专家评审中')")

    # The expert gives an opinion.
    login(page, base, "expert")
    page.goto(f"{base}/plans/{plan.pk}/review/")
    page.check("#opinion-form input[name=recommendation][value=approve]")
    page.fill("#id_opinion", "措施针对性强，技术可行，同意实施。")
    page.click("#opinion-form button[type=submit]")
    page.wait_for_selector("#opinions:has-text('措施针对性强')")

    # The office records the conclusion: approve.
    login(page, base, "office")
    page.goto(f"{base}/plans/{plan.pk}/review/")
    page.check("#conclusion-form input[name=conclusion][value=approve]")
    page.fill("#id_text", "专家组同意该方案，请按期实施。")
    page.click("#conclusion-form button[type=submit]")
    page.wait_for_selector("#plan-status:has-text('实施中')")

    # ent2 marks every measure done and requests acceptance.
    login(page, base, "ent2")
    page.goto(f"{base}/plans/{plan.pk}/")
    done = page.locator("form.measure-move button:has-text('标记完成')")
    for _ in range(done.count()):
        done.first.click()
        page.wait_for_load_state()
    assert done.count() == 0
    assert page.locator("#measure-timeline canvas").count() == 1  # the ECharts timeline drew
    page.goto(f"{base}/plans/{plan.pk}/acceptance/")
    page.fill("#request-form textarea", "整治措施已全部完成，申请验收。")
    page.click("#request-form button[type=submit]")
    page.wait_for_selector("#acceptance-status:has-text('已申请')")

    # The office schedules the inspection, records the findings and a pass.
    login(page, base, "office")
    page.goto(f"{base}/plans/{plan.pk}/acceptance/")
    page.fill("#id_inspection_date", today.isoformat())
    page.fill("#id_organiser", "江右省生态办")
    page.fill("#id_external", "周建国，江右省生态环境厅生态办，副处长")
    page.click("#schedule-form button[type=submit]")
    page.wait_for_selector("#acceptance-status:has-text('已安排现场验收')")
    for radio in page.locator("#findings-form input[type=radio][value=pass]").all():
        radio.check()
    page.click("#findings-form button[type=submit]")
    page.wait_for_selector("text=检查结果已保存")
    page.check("#verdict-form input[name=verdict][value=pass]")
    page.fill("#id_conclusion", "整治措施全部落实，同意通过验收。")
    page.click("#verdict-form button[type=submit]")
    page.wait_for_selector("#acceptance-status:has-text('通过')")

    # The record downloads as a Word document.
    with page.expect_download() as info:
        page.click("#record-link")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as f:
        doc = Document(io.BytesIO(f.read()))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert ENTERPRISE in text and "验收结论：通过" in text

    # The enterprise is rectified, through its lifecycle.
    enterprise = Enterprise.objects.get(name=ENTERPRISE)
    page.goto(f"{base}/enterprises/{enterprise.pk}/")
    assert enterprise.status == "rectified"
    assert page.inner_text("#enterprise-status") == enterprise.get_status_display()
    assert TransitionRecord.objects.filter(workflow="enterprise", transition="finish_rectification",
                                           object_id=str(enterprise.pk)).exists()
