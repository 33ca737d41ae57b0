"""Patrol plans: intervals from risk class, status and recent pressure; the office's override; the
worker step; due patrols in the inspectors' work list; the calendar."""

import datetime as dt
from collections import Counter

from django.utils import timezone

from qingyuan.core.models import AuditEntry
from qingyuan.inspections import actions, services, steps
from qingyuan.inspections.models import PatrolPlan
from qingyuan.inspections.tests.helpers import record
from qingyuan.tasks.actions import do_issue_assignment


def issue(world, n, enterprise):
    for i in range(n):
        do_issue_assignment(park=world.park, assignee_unit=world.bureau, subject=f"整改{i}", requirements="按期整改",
                            deadline=timezone.localdate() + dt.timedelta(days=10), acting_user=world.regulator,
                            enterprise=enterprise)


def test_it_creates_plans_from_risk_class_and_status(world):
    assert actions.do_refresh_plans(park=world.park) == 2
    plan = PatrolPlan.objects.get(enterprise=world.enterprise_a)
    assert plan.computed_days == 7 and plan.pressure == 0 and plan.next_due == timezone.localdate()
    assert AuditEntry.objects.filter(action="patrol_plan.create").count() == 2
    assert actions.do_refresh_plans(park=world.park) == 0  # nothing changed


def test_it_patrols_more_often_under_pressure_from_open_assignments_and_complaints(world):
    actions.do_refresh_plans(park=world.park)
    issue(world, 3, world.enterprise_a)
    assert services.recent_pressure(world.enterprise_a) == 3
    assert actions.do_refresh_plans(park=world.park) == 1
    plan = PatrolPlan.objects.get(enterprise=world.enterprise_a)
    assert plan.pressure == 3 and plan.computed_days == 1  # major risk, three open assignments: daily
    entry = AuditEntry.objects.get(action="patrol_plan.recompute")
    assert entry.before["computed_days"] == 7 and entry.after["computed_days"] == 1
    from qingyuan.complaints.actions import do_submit_complaint

    before = services.recent_pressure(world.enterprise_b)
    do_submit_complaint(park=world.park, category="odour", description="夜间刺鼻气味", enterprise=world.enterprise_b)
    assert services.recent_pressure(world.enterprise_b) == before + 1


def test_it_counts_only_the_recent_past(world):
    from qingyuan.complaints.actions import do_submit_complaint
    from qingyuan.complaints.pressure import complaints as complaint_pressure

    long_ago = timezone.now() - dt.timedelta(days=200)
    do_submit_complaint(park=world.park, category="odour", description="旧投诉", enterprise=world.enterprise_b,
                        received_at=long_ago)
    since = timezone.now() - dt.timedelta(days=90)
    assert complaint_pressure([world.enterprise_b.pk], since) == Counter()
    do_submit_complaint(park=world.park, category="odour", description="新投诉", enterprise=world.enterprise_b)
    assert complaint_pressure([world.enterprise_b.pk], since) == Counter({world.enterprise_b.pk: 1})


def test_it_takes_more_pressure_sources_later(world):
    services.register_pressure_source("test_alarms", lambda ids, since: Counter({i: 6 for i in ids}))
    try:
        assert services.recent_pressure(world.enterprise_a) == 6
    finally:
        services._SOURCES.pop("test_alarms")


def test_it_lets_the_office_override_the_interval_with_a_reason(world, as_user):
    actions.do_refresh_plans(park=world.park)
    plan = PatrolPlan.objects.get(enterprise=world.enterprise_a)
    url = f"/inspections/plans/{plan.pk}/override/"
    assert as_user(world.inspector).post(url, {"days": "2", "reason": "x"}).status_code == 403
    response = as_user(world.regulator).post(url, {"days": "2", "reason": ""}, follow=True)
    assert "手动设定巡查间隔须说明理由" in response.content.decode()
    as_user(world.regulator).post(url, {"days": "2", "reason": "群众反映夜间偷排，加密巡查"})
    plan.refresh_from_db()
    assert plan.interval_days == 2 and plan.override_reason == "群众反映夜间偷排，加密巡查"
    entry = AuditEntry.objects.get(action="patrol_plan.override")
    assert entry.user == world.regulator and entry.after["override_days"] == 2
    as_user(world.regulator).post(url, {"days": "", "reason": ""})
    plan.refresh_from_db()
    assert plan.override_days is None and plan.interval_days == 7


def test_it_moves_the_next_due_date_when_a_patrol_is_recorded(world):
    actions.do_refresh_plans(park=world.park)
    patrol = record(world)
    plan = PatrolPlan.objects.get(enterprise=world.enterprise_a)
    day = timezone.localtime(patrol.started_at).date()
    assert plan.last_patrol_on == day and plan.next_due == day + dt.timedelta(days=7)


def test_the_worker_step_creates_missing_and_stale_plans(world):
    assert steps.handle_one_plan_refresh() is True
    assert PatrolPlan.objects.count() == 2
    assert steps.handle_one_plan_refresh() is False
    PatrolPlan.objects.update(computed_at=timezone.now() - dt.timedelta(days=1))
    assert steps.handle_one_plan_refresh() is True
    assert steps.handle_one_plan_refresh() is False


def test_it_lists_due_patrols_in_the_inspectors_work(world, as_user):
    actions.do_refresh_plans(park=world.park)
    page = as_user(world.inspector).get("/work/").content.decode()
    assert "甲化工有限公司" in page and "应巡查" in page
    assert "应巡查" not in as_user(world.officer).get("/work/").content.decode()


def test_it_shows_done_and_due_patrols_on_the_calendar(world, as_user):
    actions.do_refresh_plans(park=world.park)
    record(world)
    today = timezone.localdate()
    page = as_user(world.supervisor).get("/inspections/plans/", {"month": today.strftime("%Y-%m")}).content.decode()
    assert f'data-date="{today:%Y-%m-%d}"' in page and "✓1" in page
    due = (today + dt.timedelta(days=7)).strftime("%Y-%m-%d")
    assert f'data-date="{due}"' in page
    assert "巡查计划" in page and "甲化工有限公司" in page
    assert as_user(world.supervisor).get("/inspections/plans/", {"month": "2026-13"}).status_code == 200


def test_it_counts_a_monitoring_alarm_and_its_assignment_once(world):
    from django.contrib.contenttypes.models import ContentType

    from qingyuan.alarms.models import Alarm
    from qingyuan.tasks.models import Assignment

    assert "alarms" in services._SOURCES  # registered by qingyuan.alarms through our interface
    now = timezone.now()
    alarm = Alarm.objects.create(park=world.park, enterprise=world.enterprise_a, point=world.point_a,
                                 parameter="w01018", kind="exceedance", severity="high", start=now, end=now,
                                 first_detected_at=now, last_detected_at=now)
    assert services.recent_pressure(world.enterprise_a) == 1
    issue(world, 1, world.enterprise_a)
    assert services.recent_pressure(world.enterprise_a) == 2
    Assignment.objects.update(source_type=ContentType.objects.get_for_model(Alarm), source_id=str(alarm.pk))
    assert services.recent_pressure(world.enterprise_a) == 1  # the alarm's assignment is the same case
