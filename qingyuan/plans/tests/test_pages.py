"""Plan pages: list with filters and colours, creation, detail with the timeline, drafting and review by page."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from qingyuan.core.models import AuditEntry
from qingyuan.plans import actions
from qingyuan.plans.models import EnterprisePlan, ParkPlan
from qingyuan.plans.tests.helpers import fresh, reach
from qingyuan.test import make_enterprise


def _many(world, park_plan, today, n, start):
    for i in range(start, start + n):
        e = make_enterprise(world.park, f"批量化工{i}", 100 + i, linked_unit=world.bureau)
        p = actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=e,
                                   title=f"批量方案{i}", outcome="rectify", start_date=today,
                                   deadline=today + dt.timedelta(days=i % 40 + 1))
        actions.do_add_measure(p, acting_user=world.regulator, kind="voc", title=f"措施{i}",
                               deadline=today + dt.timedelta(days=1), investment=Decimal("3"))


def test_it_keeps_the_list_query_count_flat(world, park_plan, today, as_user, django_assert_max_num_queries):
    _many(world, park_plan, today, 5, 0)
    client = as_user(world.regulator)
    with django_assert_max_num_queries(15) as small:
        client.get("/plans/")
    _many(world, park_plan, today, 30, 5)
    with django_assert_max_num_queries(15) as large:
        response = client.get("/plans/")
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.content.decode().count('class="plan-row"') == 25


def test_it_filters_the_list_and_colours_by_deadline(world, park_plan, plan, today, as_user):
    late = make_enterprise(world.park, "逾期化工有限公司", 9)
    overdue = actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=late,
                                     title="逾期方案", outcome="rectify", start_date=today - dt.timedelta(days=90),
                                     deadline=today - dt.timedelta(days=10))
    client = as_user(world.regulator)
    page = client.get("/plans/").content.decode()
    assert 'data-colour="danger"' in page and "逾期方案" in page and "甲化工一厂一策整治方案" in page
    page = client.get("/plans/", {"enterprise": late.pk}).content.decode()
    assert "逾期方案" in page and "甲化工一厂一策整治方案" not in page
    partial = client.get("/plans/", {"q": "甲化工", "status": "draft"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "HX-Request" in partial["Vary"] and "<html" not in body
    assert "甲化工一厂一策整治方案" in body and "逾期方案" not in body
    assert overdue.status == "draft"


def test_it_lets_an_enterprise_user_draft_a_plan_by_page(world, park_plan, today, as_user):
    client = as_user(world.ent_b)
    form = client.get("/plans/new/").content.decode()
    assert "乙化工有限公司" in form and "甲化工有限公司" not in form
    response = client.post("/plans/new/", {
        "park_plan": park_plan.pk, "enterprise": world.enterprise_b.pk, "title": "乙化工一厂一策", "outcome": "rectify",
        "start_date": today.isoformat(), "deadline": (today + dt.timedelta(days=180)).isoformat(), "summary": "概述"})
    plan = EnterprisePlan.objects.get(title="乙化工一厂一策")
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert plan.created_by == world.ent_b and plan.status == "draft"
    response = client.post(f"/plans/{plan.pk}/measures/new/", {
        "kind": "voc", "title": "RTO焚烧装置", "owner_name": "赵工", "deadline": (today + dt.timedelta(days=90)).isoformat(),
        "investment": "260.5", "reduction_w01018": "1.25"})
    assert response.status_code == 302
    measure = plan.measures.get()
    assert measure.investment == Decimal("260.50") and measure.reductions == {"w01018": "1.25"}
    entry = AuditEntry.objects.get(action="plan.add_measure")
    assert entry.user == world.ent_b and entry.after["title"] == "RTO焚烧装置"
    response = client.post(f"/plans/{plan.pk}/submit/", {"note": "首次提交"}, follow=True)
    assert "方案已提交专家评审" in response.content.decode()
    assert fresh(plan).status == "submitted" and fresh(plan).version == 1


def test_it_refuses_a_plan_for_someone_elses_enterprise(world, park_plan, today, as_user):
    response = as_user(world.ent_b).post("/plans/new/", {
        "park_plan": park_plan.pk, "enterprise": world.enterprise_a.pk, "title": "冒名方案", "outcome": "rectify",
        "start_date": today.isoformat(), "deadline": (today + dt.timedelta(days=10)).isoformat()})
    assert response.status_code == 400 and not EnterprisePlan.objects.filter(title="冒名方案").exists()
    assert as_user(world.supervisor).get("/plans/new/").status_code == 403


def test_it_shows_the_detail_with_the_measure_timeline(world, plan, as_user):
    page = as_user(world.ent_a).get(f"/plans/{plan.pk}/").content.decode()
    for text in ("甲化工一厂一策整治方案", "废水预处理设施提标改造", "李工", "120.50", "草稿", "提交评审", "echarts.min.js"):
        assert text in page
    import html
    import re

    data = json.loads(html.unescape(re.search(r'data-timeline="([^"]*)"', page).group(1)))
    assert [r["name"] for r in data["rows"]] == ["废水预处理设施提标改造", "车间VOCs收集治理"]
    assert data["rows"][0]["start"] == plan.start_date.isoformat() and data["rows"][0]["status"] == "未开始"


def test_it_runs_the_review_through_the_pages(world, experts, plan, today, as_user):
    plan = reach("submitted", world, plan, experts)
    office, expert = as_user(world.regulator), as_user(experts[0])
    due = (today + dt.timedelta(days=5)).isoformat()
    response = office.post(f"/plans/{plan.pk}/review/assign/",
                           {"reviewers": [experts[0].pk], "lead": experts[0].pk, "due_date": due})
    assert response.status_code == 302 and fresh(plan).status == "in_review"
    page = expert.get(f"/plans/{plan.pk}/review/").content.decode()
    assert "opinion-form" in page and "conclusion-form" in page  # the lead may conclude
    response = expert.post(f"/plans/{plan.pk}/review/opinion/",
                           {"recommendation": "approve", "opinion": "措施针对性强，同意实施。"})
    assert response.status_code == 302
    response = expert.post(f"/plans/{plan.pk}/review/conclude/",
                           {"conclusion": "approve", "text": "专家组同意通过。", "revision_due": ""})
    assert response.status_code == 302 and fresh(plan).status == "approved"
    assert as_user(world.ent_b).post(f"/plans/{plan.pk}/review/opinion/", {}).status_code == 404


def test_it_refuses_reviewers_who_are_not_experts(world, experts, plan, today, as_user):
    plan = reach("submitted", world, plan, experts)
    response = as_user(world.regulator).post(f"/plans/{plan.pk}/review/assign/", {
        "reviewers": [world.inspector.pk], "due_date": (today + dt.timedelta(days=5)).isoformat()})
    assert response.status_code == 400 and fresh(plan).status == "submitted"


def test_it_lets_the_office_build_the_park_plan_by_page(world, as_user, today):
    client = as_user(world.regulator)
    response = client.post("/plans/park/new/", {
        "park": world.park.pk, "title": "园区整治实施方案", "compiled_by": "省环科院", "approved_by": "",
        "start_date": today.isoformat(), "deadline": (today + dt.timedelta(days=365)).isoformat(), "summary": ""})
    park_plan = ParkPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/park/{park_plan.pk}/"
    client.post(f"/plans/park/{park_plan.pk}/targets/", {"enterprise": world.enterprise_a.pk, "outcome": "close"})
    client.post(f"/plans/park/{park_plan.pk}/loads/", {"pollutant_code": "a21026", "baseline_t": "50", "target_t": "45"})
    bad = client.post(f"/plans/park/{park_plan.pk}/loads/",
                      {"pollutant_code": "w01018", "baseline_t": "50", "target_t": "60"}, follow=True)
    assert "目标排放量不能大于基准排放量。" in bad.content.decode()
    client.post(f"/plans/park/{park_plan.pk}/milestones/",
                {"title": "关停到位", "due_date": today.isoformat(), "rule": "closures_done"})
    client.post(f"/plans/park/{park_plan.pk}/approve/",
                {"approved_by": "青溪县人民政府", "approved_on": today.isoformat()})
    park_plan.refresh_from_db()
    assert park_plan.status == "approved" and park_plan.approved_by == "青溪县人民政府"
    assert (park_plan.targets.get().outcome, park_plan.load_targets.get().pollutant_code) == ("close", "a21026")
    page = client.get(f"/plans/park/{park_plan.pk}/").content.decode()
    assert "二氧化硫" in page and "关停到位" in page and "甲化工有限公司" in page
    assert AuditEntry.objects.filter(action="park_plan.approve").exists()
