"""Acceptance: checklist from the measures, inspection and panel, findings, verdict, lifecycle, Word record."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document

from qingyuan.core.models import AuditEntry, Notification, TransitionRecord
from qingyuan.enterprises.models import Enterprise
from qingyuan.plans import actions
from qingyuan.plans.tests.helpers import current_acceptance, fresh, reach, start_rectification


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_it_generates_the_checklist_from_the_measures(world, experts, plan, today):
    actions.do_add_measure(plan, acting_user=world.ent_a, kind="other", title="取消的措施",
                           deadline=today + dt.timedelta(days=30), investment=Decimal("1"))
    plan = reach("approved", world, plan, experts)
    cancelled = plan.measures.get(title="取消的措施")
    actions.do_transition_measure(cancelled, "cancel", acting_user=world.regulator, reason="并入废水改造")
    plan = reach("acceptance", world, plan, experts, start="approved")
    acceptance = current_acceptance(plan)
    items = list(acceptance.items.order_by("order"))
    assert [i.text for i in items[:2]] == ["废水预处理设施提标改造", "车间VOCs收集治理"]
    assert items[0].measure.title == "废水预处理设施提标改造"
    assert [i.measure for i in items[2:]] == [None] * 5
    assert items[4].text == "在线监测设施联网正常，监测数据稳定达标"
    assert {i.result for i in items} == {"pending"}
    assert acceptance.version.number == 1 and plan.status == "acceptance"
    entry = AuditEntry.objects.get(action="acceptance.request")
    assert entry.user == world.ent_a and entry.after["items"] == 7


def test_it_schedules_records_findings_and_passes_through_the_pages(world, experts, plan, as_user,
                                                                    django_capture_on_commit_callbacks):
    start_rectification(world)
    plan = reach("acceptance", world, plan, experts)
    acceptance = current_acceptance(plan)
    office = as_user(world.regulator)
    base = f"/plans/{plan.pk}/acceptance/{acceptance.pk}"
    inspection = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = office.post(f"{base}/schedule/", {
        "inspection_date": inspection, "organiser": "省生态办", "members": [experts[0].pk],
        "external": "周建国，省生态环境厅生态办，副处长\n吴敏,省环境监测中心站,高级工程师"})
    assert response.status_code == 302
    acceptance.refresh_from_db()
    assert acceptance.status == "scheduled" and acceptance.inspection_date.isoformat() == inspection
    panel = sorted((p.name, p.organisation, p.position, p.is_lead) for p in acceptance.panel.all())
    assert panel == [("吴敏", "省环境监测中心站", "高级工程师", False), ("周建国", "省生态环境厅生态办", "副处长", False),
                     ("省环科院专家", "", "", True)]

    items = list(acceptance.items.order_by("order"))
    data = {f"result_{i.pk}": "pass" for i in items} | {f"note_{i.pk}": "" for i in items}
    data[f"note_{items[0].pk}"] = "出水COD 42mg/L，达标"
    assert office.post(f"{base}/findings/", data).status_code == 302
    assert {i.result for i in acceptance.items.all()} == {"pass"}
    assert AuditEntry.objects.get(action="acceptance.findings").after[str(items[0].pk)]["note"] == "出水COD 42mg/L，达标"

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"{base}/verdict/", {"verdict": "pass", "conclusion": "整治措施全部落实，同意通过验收。"},
                               follow=True)
    assert "验收结论已记录" in response.content.decode()
    acceptance.refresh_from_db()
    assert acceptance.status == "passed" and acceptance.decided_by == world.regulator
    assert fresh(plan).status == "accepted"
    enterprise = Enterprise.objects.get(pk=world.enterprise_a.pk)
    assert enterprise.status == "rectified" and enterprise.status_since.isoformat() == inspection
    record = TransitionRecord.objects.get(workflow="enterprise", transition="finish_rectification")
    assert record.user == world.regulator and "通过验收" in record.reason
    assert AuditEntry.objects.filter(action="acceptance.pass", user=world.regulator).exists()
    assert Notification.objects.filter(recipient=world.ent_a, kind="plans.acceptance", title__contains="通过").exists()
    assert Notification.objects.filter(recipient=world.ent_a, kind="enterprise.status").exists()


def test_it_sends_a_failed_acceptance_back_with_the_failed_measures_reopened(world, experts, plan):
    start_rectification(world)
    plan = reach("findings", world, plan, experts, result="fail")
    acceptance = current_acceptance(plan)
    actions.do_decide_acceptance(acceptance, acting_user=world.regulator, verdict="fail",
                                 conclusion="废水预处理设施出水不达标，限期整改后重新申请验收。")
    plan = fresh(plan)
    assert plan.status == "approved" and current_acceptance(plan).status == "failed"
    first, second = plan.measures.order_by("order")
    assert (first.status, first.done_on) == ("in_progress", None) and second.status == "done"
    reopen = TransitionRecord.objects.get(workflow="measure", transition="reopen")
    assert reopen.reason == "出水COD仍超标" and reopen.object_id == str(first.pk)
    assert Enterprise.objects.get(pk=world.enterprise_a.pk).status == "rectifying"
    # Fixed, done again, and a second acceptance can be requested.
    actions.do_transition_measure(first, "finish", acting_user=world.ent_a, effective_date=dt.date.today())
    second_request = actions.do_request_acceptance(fresh(plan), acting_user=world.ent_a)
    assert second_request.number == 2 and second_request.items.count() == 7


def _closure_plan(world, experts, park_plan, today):
    plan = actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=world.enterprise_b,
                                  title="乙化工关停方案", outcome="close", start_date=today - dt.timedelta(days=10),
                                  deadline=today + dt.timedelta(days=100))
    actions.do_add_measure(plan, acting_user=world.regulator, kind="closure", title="拆除生产装置",
                           deadline=today + dt.timedelta(days=30), investment=Decimal("50"))
    return reach("findings", world, plan, experts, by=world.ent_b)


def test_it_refuses_a_closure_plan_pass_without_a_closure_case_and_changes_nothing(world, experts, park_plan, today):
    from qingyuan.core.workflow import TransitionError

    plan = _closure_plan(world, experts, park_plan, today)
    with pytest.raises(TransitionError) as exc:
        actions.do_decide_acceptance(current_acceptance(plan), acting_user=world.regulator, verdict="pass",
                                     conclusion="关停到位")
    assert exc.value.code == "closure_case"
    assert current_acceptance(plan).status == "scheduled" and fresh(plan).status == "acceptance"
    assert Enterprise.objects.get(pk=world.enterprise_b.pk).status == "operating"
    assert not TransitionRecord.objects.filter(workflow="enterprise", transition="close").exists()


def test_it_passes_a_closure_plan_with_its_case_and_leaves_the_status_to_the_case(world, experts, park_plan, today):
    from qingyuan.closures.tests.helpers import open_case

    plan = _closure_plan(world, experts, park_plan, today)
    case = open_case(world)
    actions.do_decide_acceptance(current_acceptance(plan), acting_user=world.regulator, verdict="pass",
                                 conclusion="关停到位")
    assert fresh(plan).status == "accepted"
    assert Enterprise.objects.get(pk=world.enterprise_b.pk).status == "operating"  # the case's steps decide
    assert not TransitionRecord.objects.filter(workflow="enterprise", transition="close").exists()
    assert case.status == "open"


def test_it_refuses_a_pass_the_lifecycle_refuses_and_changes_nothing(world, experts, plan):
    """Enterprise A is still "operating": rectified is not reachable, so the whole verdict is refused."""
    plan = reach("findings", world, plan, experts)
    from qingyuan.core.workflow import TransitionError

    try:
        actions.do_decide_acceptance(current_acceptance(plan), acting_user=world.regulator, verdict="pass",
                                     conclusion="通过")
    except TransitionError as exc:
        assert exc.code == "state"
    else:
        raise AssertionError("expected a refusal")
    assert current_acceptance(plan).status == "scheduled" and fresh(plan).status == "acceptance"
    assert Enterprise.objects.get(pk=world.enterprise_a.pk).status == "operating"


def test_it_writes_a_word_record_with_the_enterprise_and_the_verdict(world, experts, plan, as_user):
    start_rectification(world)
    plan = reach("findings", world, plan, experts)
    acceptance = current_acceptance(plan)
    checklist = as_user(world.ent_a).get(f"/plans/{plan.pk}/acceptance/{acceptance.pk}/record.docx")
    assert "现场检查表" in _text(checklist.content) and "待定" in _text(checklist.content)
    actions.do_decide_acceptance(acceptance, acting_user=world.regulator, verdict="pass",
                                 conclusion="整治措施全部落实，同意通过验收。")
    response = as_user(world.ent_a).get(f"/plans/{plan.pk}/acceptance/{acceptance.pk}/record.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert ".docx" in response["Content-Disposition"]
    text = _text(response.content)
    for expected in ["整治验收记录", "甲化工有限公司", world.enterprise_a.credit_code, "甲化工一厂一策整治方案（第1版）",
                     "验收结论：通过", "整治措施全部落实，同意通过验收。", "废水预处理设施提标改造", "张专家",
                     "省生态办", "验收组组长（签字）", "合格"]:
        assert expected in text, expected
