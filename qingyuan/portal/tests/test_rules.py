"""Publication rules: drafts never visible, withdrawn notices marked, daily values only after the delay
and only when valid, exceedances once closed or after 24 hours, replies only with consent."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from qingyuan.portal import actions, rules
from qingyuan.portal.tests.county import COMPLAINANT, ID_NUMBER, PHONE, daily


def test_it_never_lists_a_draft_or_an_approved_notice(world, county):
    titles = [n["title"] for n in rules.notices(world.park)]
    assert titles == ["验收结果公示（已撤回）", "第一批关停企业名单公示"]
    assert rules.notice(county.draft.pk) is None
    assert rules.notice(county.approved.pk) is None
    assert rules.notice(county.published.pk)["title"] == "第一批关停企业名单公示"


def test_it_keeps_a_withdrawn_notice_marked_with_its_reason(world, county):
    row = rules.notice(county.withdrawn.pk)
    assert row["withdrawn"] is True
    assert row["withdraw_reason"] == "名单有误，更正后重新公示"
    assert row["published_at"] is not None and row["withdrawn_at"] >= row["published_at"]


def test_it_publishes_a_notice_only_when_the_office_publishes_it(world):
    n = actions.do_create_notice(world.park, {"kind": "assessment", "title": "考核结果", "body": "正文",
                                              "issuer": "整治办", "enterprise": None}, acting_user=world.regulator)
    actions.do_transition_notice(n, "approve", acting_user=world.leader)
    assert rules.notices(world.park) == []
    actions.do_transition_notice(n, "publish", acting_user=world.regulator)
    assert [r["title"] for r in rules.notices(world.park)] == ["考核结果"]


def test_it_publishes_a_daily_value_on_the_next_day_and_only_when_valid(world):
    day = dt.date(2026, 3, 10)
    daily(world.point_a, day, 42.0)
    daily(world.point_a, day - dt.timedelta(days=1), 43.0, valid=False)
    noon = timezone.make_aware(dt.datetime(2026, 3, 10, 12, 0))
    with time_machine.travel(noon, tick=False):
        assert list(rules.published_daily([world.point_a.pk], day - dt.timedelta(days=5), day)) == []
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 10, 23, 59)), tick=False):
        assert list(rules.published_daily([world.point_a.pk], day - dt.timedelta(days=5), day)) == []
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 11, 0, 1)), tick=False):
        rows = list(rules.published_daily([world.point_a.pk], day - dt.timedelta(days=5), day))
        assert [(r.day, r.mean) for r in rows] == [(day, 42.0)]  # the invalid day before never appears


def test_it_counts_compliance_from_published_valid_days_with_the_limit_inclusive(world, county):
    rows = rules.compliance(world.enterprise_a)
    assert [(r["point"], r["code"], r["limit"]) for r in rows] == [(world.point_a.name, "w01018", 100.0)]
    w30, w365 = rows[0]["windows"][30], rows[0]["windows"][365]
    # days 1..30 back, less the invalid day 3; day 5 (120) exceeds, day 6 (100, equal) complies
    assert (w30["days"], w30["compliant"]) == (29, 28)
    assert (w365["days"], w365["compliant"]) == (39, 38)


def test_it_publishes_exceedances_once_closed_or_after_24_hours(world, county):
    ids = {x["id"] for x in rules.exceedances(world.park, world.enterprise_a)}
    assert ids == {county.alarm_closed.pk, county.alarm_old.pk}
    closed = next(x for x in rules.exceedances(world.park) if x["id"] == county.alarm_closed.pk)
    assert closed["explanation"] == county.alarm_closed.get_explanation_kind_display() != ""
    assert closed["verdict"] == county.alarm_closed.get_verdict_display() != ""
    assert "explanation_text" not in closed and "内部说明乙" not in str(closed)


def test_it_publishes_only_consented_replies_anonymised(world, county):
    replies = rules.published_replies(world.park)
    assert len(replies) == 1
    text = replies[0]["reply"]
    assert COMPLAINANT not in text and PHONE not in text and ID_NUMBER not in text
    assert "经核查甲化工废气处理设施故障已修复" in text


def test_it_shows_plan_progress_at_measure_level_without_internal_fields(world, county):
    plan = rules.plan_progress(world.enterprise_a)
    assert plan["done"] == 1 and len(plan["measures"]) == 2
    assert set(plan["measures"][0]) == {"title", "kind", "deadline", "status", "status_label", "done_on", "investment"}
    assert "李工程师" not in str(plan) and "内部备注甲" not in str(plan)
