"""Bad input: refused with a Chinese field error or message, and nothing written."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.core.models import Attachment, AuditEntry, TransitionRecord
from qingyuan.plans.models import Measure
from qingyuan.plans.tests.helpers import fresh, reach

MEASURE = {"kind": "wastewater", "title": "新增措施", "description": "", "owner_name": "李工", "owner_user": "",
           "start_date": "", "investment": "10"}


def _counts():
    return AuditEntry.objects.count(), TransitionRecord.objects.count(), Measure.objects.count()


def test_it_refuses_a_measure_deadline_before_the_plan_starts(world, plan, as_user):
    before = _counts()
    deadline = (plan.start_date - dt.timedelta(days=1)).isoformat()
    response = as_user(world.ent_a).post(f"/plans/{plan.pk}/measures/new/", {**MEASURE, "deadline": deadline})
    assert response.status_code == 400
    assert f"完成期限早于方案开始日期（{plan.start_date.isoformat()}）" in response.content.decode()
    assert _counts() == before


def test_it_refuses_a_negative_investment(world, plan, as_user):
    before = _counts()
    deadline = (plan.start_date + dt.timedelta(days=10)).isoformat()
    response = as_user(world.ent_a).post(f"/plans/{plan.pk}/measures/new/",
                                         {**MEASURE, "deadline": deadline, "investment": "-5",
                                          "reduction_w01018": "-1"})
    page = response.content.decode()
    assert response.status_code == 400 and page.count("确保该值大于或等于0") == 2
    assert _counts() == before


def test_it_refuses_a_return_without_a_reason(world, experts, plan, as_user):
    plan = reach("submitted", world, plan, experts)
    before = _counts()
    response = as_user(world.regulator).post(f"/plans/{plan.pk}/return/", {"reason": ""}, follow=True)
    assert "原因：此项必填。" in response.content.decode()
    assert fresh(plan).status == "submitted" and _counts() == before


def test_it_refuses_a_rejection_without_its_text_or_revision_date(world, experts, plan, as_user):
    plan = reach("opinion", world, plan, experts)
    before = _counts()
    response = as_user(world.regulator).post(f"/plans/{plan.pk}/review/conclude/",
                                             {"conclusion": "reject", "text": "", "revision_due": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "此项必填。" in page and "请设定修改后方案的提交期限。" in page
    assert fresh(plan).status == "in_review" and not fresh(plan).versions.get().conclusion
    assert _counts() == before


def test_it_refuses_a_measure_cancellation_without_a_reason(world, experts, plan, as_user):
    plan = reach("approved", world, plan, experts)
    measure = plan.measures.order_by("order").first()
    before = _counts()
    response = as_user(world.regulator).post(f"/plans/{plan.pk}/measures/{measure.pk}/transition/",
                                             {"transition": "cancel", "reason": " "}, follow=True)
    assert "执行“取消该措施”必须填写原因。" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).status == "not_started" and _counts() == before


def test_it_refuses_an_inspection_date_in_the_past(world, experts, plan, as_user):
    from qingyuan.plans.tests.helpers import current_acceptance

    plan = reach("acceptance", world, plan, experts)
    acceptance = current_acceptance(plan)
    before = _counts()
    response = as_user(world.regulator).post(
        f"/plans/{plan.pk}/acceptance/{acceptance.pk}/schedule/",
        {"inspection_date": "2020-01-01", "organiser": "省生态办", "external": "张三"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "日期不能早于今天。" in page and "第1行：请至少填写姓名和单位。" in page
    assert current_acceptance(plan).status == "requested" and _counts() == before


def test_it_refuses_disallowed_and_oversized_evidence(world, experts, plan, as_user):
    plan = reach("approved", world, plan, experts)
    measure = plan.measures.order_by("order").first()
    client = as_user(world.ent_a)
    url = f"/plans/{plan.pk}/measures/{measure.pk}/evidence/"
    before = _counts()
    fake = SimpleUploadedFile("照片.png", b"<script>alert(1)</script>", content_type="image/png")
    page = client.post(url, {"file": fake}, follow=True).content.decode()
    assert "“照片.png”不是允许的文件类型" in page
    huge = SimpleUploadedFile("报告.pdf", b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024 + 1))
    page = client.post(url, {"file": huge}, follow=True).content.decode()
    assert "“报告.pdf”大小为 20.0 MB，超过 20 MB 的上限。" in page
    assert not Attachment.objects.exists() and _counts() == before


def test_it_refuses_a_plan_whose_deadline_is_before_its_start(world, park_plan, as_user, today):
    response = as_user(world.ent_b).post("/plans/new/", {
        "park_plan": park_plan.pk, "enterprise": world.enterprise_b.pk, "title": "乙化工方案", "outcome": "rectify",
        "start_date": today.isoformat(), "deadline": (today - dt.timedelta(days=1)).isoformat(), "summary": ""})
    assert response.status_code == 400
    assert "完成期限必须晚于开始日期。" in response.content.decode()
    assert not AuditEntry.objects.filter(action="plan.create").exists()
