"""The enterprise page tells its whole story: now, the last 30 days, the work done, and a readable history."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qingyuan.alarms.models import Alarm
from qingyuan.complaints.models import Complaint
from qingyuan.enterprises import actions as enterprise_actions
from qingyuan.enterprises.models import MonitoringPoint, Outlet, Permit, PermitLimit
from qingyuan.inspections.models import Patrol
from qingyuan.plans import actions as plan_actions
from qingyuan.quality.compute import local_midnight
from qingyuan.quality.models import DailyValue, HourlyValue, StopDeclaration
from qingyuan.tasks.actions import do_issue_assignment

pytestmark = pytest.mark.django_db

TRACKING_CODE = "QY7K2M9P4XZA"
COMPLAINANT = "王举报人"


def _hour(point, code, start, mean, unit="mg/L"):
    return HourlyValue.objects.create(point=point, parameter=code, unit=unit, start=start, source="computed",
                                      valid=True, n_expected=60, n_received=60, n_valid=60, mean=mean,
                                      computed_at=start)


def _day(point, code, day, mean, unit="mg/L"):
    return DailyValue.objects.create(point=point, parameter=code, unit=unit, start=local_midnight(day), day=day,
                                     source="computed", valid=True, n_expected=24, n_received=24, n_valid=24,
                                     mean=mean, computed_at=timezone.now())


def _alarm(w, point, n):
    now = timezone.now()
    return Alarm.objects.create(park=w.park, enterprise=w.enterprise_a, point=point, parameter="w01018",
                                kind="exceedance" if n == 0 else "approaching", severity="high",
                                start=now - dt.timedelta(hours=2 + n), end=now - dt.timedelta(hours=1),
                                peak=80.0, limit=60.0, unit="mg/L", first_detected_at=now, last_detected_at=now)


def _assignment(w, n, *, overdue=False):
    today = timezone.localdate()
    return do_issue_assignment(
        park=w.park, assignee_unit=w.bureau, subject=f"甲化工超标整改{n}号", requirements="查明原因并整改",
        deadline=today - dt.timedelta(days=2) if overdue else today + dt.timedelta(days=5),
        issued_on=today - dt.timedelta(days=10), acting_user=w.regulator, enterprise=w.enterprise_a)


def _point(w, n):
    outlet = Outlet.objects.create(enterprise=w.enterprise_a, medium="water", code=f"DW1{n:02d}", name=f"排口{n}")
    return MonitoringPoint.objects.create(park=w.park, outlet=outlet, name=f"甲化工{n}号排口", mn=f"AAAA00000000000000{n:04d}AA",
                                          password="123456")


def _values(point, *, mean=75.0):
    newest = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    _hour(point, "w01018", newest, mean)
    _hour(point, "w21003", newest, 2.0)
    today = timezone.localdate()
    for back in range(1, 4):
        _day(point, "w01018", today - dt.timedelta(days=back), 50.0 + back)


@pytest.fixture
def story(world):
    w = world
    today = timezone.localdate()
    permit = Permit.objects.create(enterprise=w.enterprise_a, number="91361123TQXT00001001P", issuer="县生态环境局",
                                   valid_from=today - dt.timedelta(days=365), valid_to=today + dt.timedelta(days=365))
    PermitLimit.objects.create(permit=permit, outlet=None, pollutant_code="w01018", concentration_limit=Decimal("60"),
                               unit="mg/L", standard_ref="GB 8978-1996", annual_load_t=Decimal("12"))
    _values(w.point_a)
    _alarm(w, w.point_a, 0)
    _assignment(w, 1, overdue=True)
    park_plan = plan_actions.do_create_park_plan(
        acting_user=w.regulator, park=w.park, title="园区整治实施方案", compiled_by="省环科院",
        start_date=today - dt.timedelta(days=200), deadline=today + dt.timedelta(days=400))
    plan = plan_actions.do_create_plan(
        acting_user=w.ent_a, park_plan=park_plan, enterprise=w.enterprise_a, title="甲化工一厂一策整治方案",
        outcome="rectify", start_date=today - dt.timedelta(days=100), deadline=today + dt.timedelta(days=200))
    plan_actions.do_add_measure(plan, acting_user=w.ent_a, kind="wastewater", title="废水预处理设施提标改造",
                                owner_name="李工", deadline=today + dt.timedelta(days=60))
    now = timezone.now()
    Patrol.objects.create(park=w.park, enterprise=w.enterprise_a, kind="planned", recorded_by=w.inspector,
                          recorded_by_name="巡查员", started_at=now - dt.timedelta(days=3),
                          finished_at=now - dt.timedelta(days=3, hours=-1), checklist_key="general")
    Complaint.objects.create(park=w.park, code=TRACKING_CODE, category="odour", description="夜间异味明显",
                             enterprise=w.enterprise_a, received_at=now - dt.timedelta(days=5),
                             received_on=today - dt.timedelta(days=5), year=today.year, month=today.month,
                             name=COMPLAINANT, phone="13800000000", status="in_handling", handling_unit=w.bureau,
                             accept_deadline=today)
    StopDeclaration.objects.create(enterprise=w.enterprise_a, start=now - dt.timedelta(days=9),
                                   end=now - dt.timedelta(days=8), reason="检修停产", submitted_by=w.ent_a)
    enterprise_actions.do_transition_enterprise(w.enterprise_a, "start_rectification", acting_user=w.regulator,
                                                reason="超标整治", effective_date=today)
    return w


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_shows_each_section_to_the_regulator(story, as_user):
    w = story
    response = as_user(w.regulator).get(f"/enterprises/{w.enterprise_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert "整治中" in text and "重大风险" in text  # status and risk class by their labels
    assert f'href="/units/{w.bureau.pk}/"' in html
    assert 'id="badge-exceeding"' in html and "超标" in html and 'id="badge-overdue"' in html
    assert "化学需氧量" in text and "氨氮" in text  # pollutants by name; the code only as a hint
    assert "75" in text and "60" in text and "超过限值" in text
    assert "甲化工超标整改1号" in text
    assert "甲化工一厂一策整治方案" in text and "废水预处理设施提标改造" in text
    assert "巡查员" in text and "夜间异味" not in text  # a complaint by reference and category, not its text
    assert "异味" in text and TRACKING_CODE in text  # the office works the case: it sees the code
    assert "待审核" in text[text.index("停产申报"):]  # the declaration by its status label
    charts = json.loads(re.search(r'<script id="story-charts-data" type="application/json">(.*?)</script>',
                                  html, re.S).group(1))
    assert charts[0]["limit"] == 60.0 and charts[0]["name"] == "化学需氧量" and len(charts[0]["data"]) == 3
    for link in [f"/alarms/?enterprise={w.enterprise_a.pk}", f"/tasks/?enterprise={w.enterprise_a.pk}",
                 f"/plans/?enterprise={w.enterprise_a.pk}", f"/complaints/?enterprise={w.enterprise_a.pk}",
                 f"/inspections/enterprise/{w.enterprise_a.pk}/", f"/loads/enterprises/{w.enterprise_a.pk}/",
                 f"/quality/enterprises/{w.enterprise_a.pk}/"]:
        assert link in html


def test_it_is_not_found_for_another_enterprise(story, as_user):
    assert as_user(story.ent_b).get(f"/enterprises/{story.enterprise_a.pk}/").status_code == 404
    assert as_user(story.outsider).get(f"/enterprises/{story.enterprise_a.pk}/").status_code == 404


def test_it_shows_the_enterprise_no_tracking_code_or_complainant(story, as_user):
    response = as_user(story.ent_a).get(f"/enterprises/{story.enterprise_a.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "异味" in html  # the complaint about it is listed (accepted) ...
    assert TRACKING_CODE not in html and COMPLAINANT not in html and "13800000000" not in html  # ... without secrets


def test_it_shows_the_history_as_labelled_changes(story, as_user):
    w = story
    enterprise_actions.do_update_enterprise(w.enterprise_a, acting_user=w.regulator, risk_class="general",
                                            linked_unit=w.township_unit)
    html = as_user(w.regulator).get(f"/enterprises/{w.enterprise_a.pk}/").content.decode()
    history = _text(html[html.index('id="audit-trail"'):])
    assert "状态：正常生产 → 整治中" in history
    assert "风险等级：重大风险 → 一般风险" in history
    assert "挂联单位：县环保局 → 临江镇" in history
    assert "{'" not in history and "rectifying" not in history and "major" not in history


def test_it_keeps_history_the_enterprise_may_not_see_from_it(story, as_user):
    from qingyuan.core import audit
    from qingyuan.inspections.models import PatrolPlan

    w = story
    plan = PatrolPlan.objects.create(enterprise=w.enterprise_a, computed_days=30, computed_at=timezone.now(),
                                     next_due=dt.date(2027, 1, 15))
    audit.record("patrol_plan.override", plan, acting_user=w.regulator, related=w.enterprise_a,
                 before={"next_due": "2027-02-14"}, after={"next_due": "2027-01-15"}, message="加密巡查频次")
    office = _text(as_user(w.regulator).get(f"/enterprises/{w.enterprise_a.pk}/").content.decode())
    assert "下次巡查" in office or "2027-02-14 → 2027-01-15" in office
    assert "加密巡查频次" in office
    own = as_user(w.ent_a).get(f"/enterprises/{w.enterprise_a.pk}/").content.decode()
    assert "加密巡查频次" not in own and "2027-01-15" not in own  # the next patrol date stays with the park


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_costs_the_same_queries_with_more_rows(story, as_user):
    w = story
    client = as_user(w.regulator)
    url = f"/enterprises/{w.enterprise_a.pk}/"
    _point(w, 1)
    _alarm(w, w.point_a, 1)
    _assignment(w, 2)
    client.get(url)  # warm the content-type and session caches
    few = _queries(client, url)
    for n in range(2, 10):
        point = _point(w, n)
        _values(point)
        _alarm(w, point, n)
        _assignment(w, n + 1, overdue=n % 2 == 0)
    many = _queries(client, url)
    assert Alarm.objects.count() == 10 and MonitoringPoint.objects.filter(outlet__enterprise=w.enterprise_a).count() == 10
    assert many == few, (few, many)


def test_it_links_other_pages_that_name_the_enterprise_here(story, as_user):
    w = story
    link = f'href="/enterprises/{w.enterprise_a.pk}/"'
    for url in ["/tasks/", "/inspections/", "/plans/", "/complaints/", "/monitoring/",
                f"/inspections/enterprise/{w.enterprise_a.pk}/"]:
        response = as_user(w.regulator).get(url)
        assert response.status_code == 200, url
        assert link in response.content.decode(), url
    assert link in as_user(w.ent_a).get("/tasks/").content.decode()  # its own enterprise, linked


def test_it_names_an_enterprise_the_reader_cannot_open_without_a_link(story, as_user, rf):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = story.ent_b
    html = Template("{% load enterprise_links %}{% enterprise_link e %}").render(
        Context({"e": story.enterprise_a, "request": request}))
    assert html == "甲化工有限公司"
    request.user = story.regulator
    html = Template("{% load enterprise_links %}{% enterprise_link e %}").render(
        Context({"e": story.enterprise_a, "request": request}))
    assert html == f'<a href="/enterprises/{story.enterprise_a.pk}/">甲化工有限公司</a>'


@pytest.mark.browser
def test_it_draws_the_charts_with_limit_lines_and_no_csp_violation(transactional_db, story, live_server, page):
    from qingyuan.test import browser_login

    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    browser_login(page, live_server.url, "regulator")
    page.goto(f"{live_server.url}/enterprises/{story.enterprise_a.pk}/")
    page.wait_for_selector("#story-charts canvas")
    assert "化学需氧量" in page.inner_text("#story-charts")
    assert page.locator("#story-charts .story-chart").count() == 1
    assert not [p for p in problems if "favicon" not in p and "Failed to load resource" not in p], problems
