"""Unanswered opinions climb the assignments' ladder under frozen time; an answer stops the climb."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import time_machine
from django.core.management import call_command

from qingyuan.core.models import AuditEntry, Notification
from qingyuan.supervision import actions
from qingyuan.supervision.escalation import handle_one_opinion_escalation
from qingyuan.supervision.models import Opinion
from qingyuan.supervision.tests.helpers import member, opinion
from qingyuan.tasks.models import EscalationPolicy

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
DEADLINE = dt.date(2026, 6, 20)


def at(day: dt.date, hour: int = 0, minute: int = 1):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


def run() -> int:
    done = 0
    while handle_one_opinion_escalation():
        done += 1
    return done


def escalated(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user, kind="opinion.escalated").order_by("id")
                .values_list("title", flat=True))


def test_it_climbs_reminder_urged_supervised_listed_on_the_parks_ladder(world):
    with time_machine.travel(T0, tick=False):
        m = member(world)
        o = opinion(world, m, deadline=DEADLINE)
    assert o.escalation_level == 0
    steps = [  # default ladder: remind 3 days before, 督办 3 days overdue, 挂牌督办 10 days overdue
        (dt.date(2026, 6, 16), 0), (dt.date(2026, 6, 17), 1), (dt.date(2026, 6, 19), 1),
        (dt.date(2026, 6, 20), 2), (dt.date(2026, 6, 23), 3), (dt.date(2026, 6, 30), 4),
    ]
    for day, level in steps:
        with at(day):
            run()
        o.refresh_from_db()
        assert o.escalation_level == level, day
    assert [e.after["escalation_level"] for e in AuditEntry.objects.filter(action="opinion.escalate")
            .order_by("id")] == [1, 2, 3, 4]
    assert len(escalated(world.officer)) == 4 and "挂牌督办" in escalated(world.officer)[-1]
    # From 督办 on, the office, the leaders and the member are told too; the other unit never.
    assert len(escalated(world.regulator)) == 2 and len(escalated(world.leader)) == 2
    assert len(escalated(world.supervisor)) == 2 and not escalated(world.township)
    assert o.next_escalation_at is None  # the top of the ladder


def test_it_jumps_once_to_the_level_the_dates_call_for_after_a_stopped_worker(world):
    with time_machine.travel(T0, tick=False):
        o = opinion(world, member(world), deadline=DEADLINE)
    with at(dt.date(2026, 6, 25)):
        assert run() == 1
        assert run() == 0
    o.refresh_from_db()
    assert o.escalation_level == 3 and len(escalated(world.officer)) == 1


def test_it_follows_the_parks_own_ladder(world):
    EscalationPolicy.objects.create(park=world.park, reminder_days=0, supervise_after_days=1, list_after_days=2)
    with time_machine.travel(T0, tick=False):
        o = opinion(world, member(world), deadline=DEADLINE)
    with at(dt.date(2026, 6, 21)):
        run()
    o.refresh_from_db()
    assert o.escalation_level == 3


def test_it_stops_climbing_once_answered(world):
    with time_machine.travel(T0, tick=False):
        o = opinion(world, member(world), deadline=DEADLINE)
    with at(dt.date(2026, 6, 18)):
        run()
        actions.do_answer_opinion(Opinion.objects.get(pk=o.pk), acting_user=world.officer, answer="已整改")
    with at(dt.date(2026, 7, 30)):
        assert run() == 0
    o.refresh_from_db()
    assert o.status == "answered" and o.escalation_level == 1 and o.next_escalation_at is None


def test_it_runs_as_a_step_of_the_worker_command(world):
    with time_machine.travel(T0, tick=False):
        o = opinion(world, member(world), deadline=DEADLINE)
    with at(dt.date(2026, 6, 24)):
        call_command("worker", "--once", "--step", "supervision_escalate")
    o.refresh_from_db()
    assert o.escalation_level == 3
