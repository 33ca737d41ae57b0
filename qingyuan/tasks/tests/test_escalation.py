"""The ladder driven by the worker step, with frozen time: reminder → 催办 → 督办 → 挂牌督办."""

import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from qingyuan.core.models import AuditEntry, Notification
from qingyuan.tasks import actions, escalation, policy
from qingyuan.tasks.models import Assignment, EscalationEvent
from qingyuan.tasks.services import work_items
from qingyuan.tasks.tests.conftest import fresh, issue
from qingyuan.test import make_world

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
DEADLINE = dt.date(2026, 6, 20)


def at(day: dt.date, hour: int = 0, minute: int = 0):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), tick=False)


def run_worker(capture) -> int:
    with capture(execute=True):
        done = 0
        while escalation.handle_one_escalation():
            done += 1
    return done


def escalations(user):
    return list(Notification.objects.filter(recipient=user, kind="assignment.escalated").order_by("id")
                .values_list("title", flat=True))


@pytest.fixture
def issued(world):
    with time_machine.travel(T0, tick=False):
        return issue(world, deadline=DEADLINE)


def test_it_climbs_the_whole_ladder_once_per_level(world, issued, django_capture_on_commit_callbacks):
    a = issued
    steps = [  # (when, expected level, officer's notices so far)
        (DEADLINE - dt.timedelta(days=4), 0, 0),
        (DEADLINE - dt.timedelta(days=3), 1, 1),   # reminder, 3 days before
        (DEADLINE - dt.timedelta(days=1), 1, 1),
        (DEADLINE, 2, 2),                          # 催办 on the deadline
        (DEADLINE + dt.timedelta(days=2), 2, 2),
        (DEADLINE + dt.timedelta(days=3), 3, 3),   # 督办 after 3 days overdue
        (DEADLINE + dt.timedelta(days=10), 4, 4),  # 挂牌督办 after 10
        (DEADLINE + dt.timedelta(days=60), 4, 4),
    ]
    for day, level, notices in steps:
        with at(day, 0, 1):
            run_worker(django_capture_on_commit_callbacks)
            run_worker(django_capture_on_commit_callbacks)  # a second pass the same day changes nothing
        a = fresh(a)
        assert a.escalation_level == level, day
        assert len(escalations(world.officer)) == notices, day
    assert [(e.from_level, e.to_level) for e in EscalationEvent.objects.filter(assignment=a)] == [
        (0, 1), (1, 2), (2, 3), (3, 4)]
    assert a.next_escalation_at is None
    titles = escalations(world.officer)
    assert titles[0].startswith("临期提醒：") and titles[1].startswith("催办：") and a.number in titles[1]
    assert titles[2].startswith("督办：") and titles[3].startswith("挂牌督办：")
    # 督办 and 挂牌 also reach the issuer and the leaders; reminders and 催办 do not
    assert len(escalations(world.leader)) == 2 and len(escalations(world.regulator)) == 2
    audit = AuditEntry.objects.filter(action="assignment.escalate", object_id=str(a.pk)).order_by("id")
    assert [(e.before["escalation_level"], e.after["escalation_level"]) for e in audit] == [
        (0, 1), (1, 2), (2, 3), (3, 4)]
    assert all(e.user is None and e.user_name == "" for e in audit)


def test_it_does_not_climb_before_local_midnight(world, issued, django_capture_on_commit_callbacks):
    with at(DEADLINE - dt.timedelta(days=4), 23, 59):
        assert run_worker(django_capture_on_commit_callbacks) == 0
    assert fresh(issued).escalation_level == 0
    with at(DEADLINE - dt.timedelta(days=3), 0, 0):
        assert run_worker(django_capture_on_commit_callbacks) == 1
    assert fresh(issued).escalation_level == 1


def test_it_follows_the_parks_own_policy(world, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        policy.do_set_policy(world.park, acting_user=world.regulator, reminder_days=7, supervise_after_days=5,
                              list_after_days=15)
        a = issue(world, deadline=DEADLINE)
    assert AuditEntry.objects.get(action="escalation_policy.update").after["reminder_days"] == 7
    for day, level in [(DEADLINE - dt.timedelta(days=8), 0), (DEADLINE - dt.timedelta(days=7), 1),
                       (DEADLINE + dt.timedelta(days=4), 2), (DEADLINE + dt.timedelta(days=5), 3),
                       (DEADLINE + dt.timedelta(days=14), 3), (DEADLINE + dt.timedelta(days=15), 4)]:
        with at(day, 1):
            run_worker(django_capture_on_commit_callbacks)
        assert fresh(a).escalation_level == level, day


def test_a_policy_change_reschedules_open_items(world, issued, django_capture_on_commit_callbacks):
    with at(DEADLINE - dt.timedelta(days=5), 10):
        assert run_worker(django_capture_on_commit_callbacks) == 0
        policy.do_set_policy(world.park, acting_user=world.regulator, reminder_days=7, supervise_after_days=3,
                              list_after_days=10)
        run_worker(django_capture_on_commit_callbacks)
    assert fresh(issued).escalation_level == 1  # within the new 7-day lead


def test_an_approved_extension_resets_the_ladder(world, issued, django_capture_on_commit_callbacks):
    with at(DEADLINE - dt.timedelta(days=3), 8):
        actions.do_sign_assignment(fresh(issued), acting_user=world.officer)
    with at(DEADLINE + dt.timedelta(days=4), 8):
        run_worker(django_capture_on_commit_callbacks)
        assert fresh(issued).escalation_level == 3
        new = DEADLINE + dt.timedelta(days=20)
        actions.do_request_extension(fresh(issued), acting_user=world.officer, new_deadline=new, reason="设备延期")
        actions.do_decide_extension(fresh(issued), acting_user=world.regulator, approve=True)
        a = fresh(issued)
        assert (a.escalation_level, a.deadline) == (0, new)
        assert timezone.localtime(a.next_escalation_at).date() == new - dt.timedelta(days=3)
        assert run_worker(django_capture_on_commit_callbacks) == 0
    assert list(EscalationEvent.objects.values_list("from_level", "to_level")) == [(0, 3), (3, 0)]
    with at(new, 8):
        run_worker(django_capture_on_commit_callbacks)
    assert fresh(issued).escalation_level == 2  # climbs again from the new deadline


@pytest.mark.parametrize("closing", ["accept", "withdraw", "submit", "return"])
def test_closed_or_waiting_items_do_not_escalate(world, issued, closing, django_capture_on_commit_callbacks):
    with at(DEADLINE - dt.timedelta(days=5), 8):
        a = fresh(issued)
        if closing == "withdraw":
            actions.do_withdraw_assignment(a, acting_user=world.regulator, reason="撤回")
        elif closing == "return":
            actions.do_return_assignment(a, acting_user=world.officer, reason="不属于本单位",
                                         suggested_unit=world.township_unit)
        else:
            actions.do_sign_assignment(a, acting_user=world.officer)
            actions.do_submit_assignment(fresh(a), acting_user=world.officer, text="完成")
            if closing == "accept":
                actions.do_verify_assignment(fresh(a), acting_user=world.regulator, accept=True)
    with at(DEADLINE + dt.timedelta(days=30), 8):
        assert run_worker(django_capture_on_commit_callbacks) == 0
    assert fresh(issued).escalation_level == 0
    assert not EscalationEvent.objects.exists() and not escalations(world.officer)


def test_a_sent_back_item_resumes_at_its_level(world, issued, django_capture_on_commit_callbacks):
    with at(DEADLINE, 8):
        actions.do_sign_assignment(fresh(issued), acting_user=world.officer)
        run_worker(django_capture_on_commit_callbacks)
        actions.do_submit_assignment(fresh(issued), acting_user=world.officer, text="完成")
    with at(DEADLINE + dt.timedelta(days=5), 8):
        assert run_worker(django_capture_on_commit_callbacks) == 0  # waiting on the office: paused
        actions.do_verify_assignment(fresh(issued), acting_user=world.regulator, accept=False, reason="材料不全")
        run_worker(django_capture_on_commit_callbacks)
    assert fresh(issued).escalation_level == 3
    assert list(EscalationEvent.objects.values_list("from_level", "to_level")) == [(0, 2), (2, 3)]


def test_a_reassigned_item_starts_again_for_the_new_unit(world, issued, django_capture_on_commit_callbacks):
    with at(DEADLINE + dt.timedelta(days=4), 8):
        run_worker(django_capture_on_commit_callbacks)
        actions.do_return_assignment(fresh(issued), acting_user=world.officer, reason="属地",
                                     suggested_unit=world.township_unit)
        actions.do_reassign_assignment(fresh(issued), acting_user=world.regulator, unit=world.township_unit,
                                       reason="改交", new_deadline=DEADLINE + dt.timedelta(days=6))
        assert fresh(issued).escalation_level == 0
        run_worker(django_capture_on_commit_callbacks)
    assert fresh(issued).escalation_level == 1
    assert len(escalations(world.township)) == 1 and len(escalations(world.officer)) == 1


def test_one_message_per_unit_and_level_in_a_pass(world, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        mine = [issue(world, deadline=DEADLINE, subject=f"事项{i}") for i in range(3)]
        other = issue(world, deadline=DEADLINE, unit=world.township_unit, subject="镇里的事项")
    with at(DEADLINE, 8):
        run_worker(django_capture_on_commit_callbacks)
    (title,) = escalations(world.officer)
    assert title.startswith("催办：") and "3 件交办单" in title and mine[0].number in title
    body = Notification.objects.get(recipient=world.officer, kind="assignment.escalated").body
    assert all(a.number in body for a in mine)
    assert escalations(world.township) == [f"催办：{other.number} 镇里的事项"]
    assert EscalationEvent.objects.count() == 4


def test_two_workers_with_a_stale_read_notify_once(world, issued, django_capture_on_commit_callbacks):
    with at(DEADLINE, 8):
        now = timezone.now()
        stale = escalation.due_rows(now)          # worker A reads ...
        assert [r.pk for r in stale] == [issued.pk]
        run_worker(django_capture_on_commit_callbacks)  # ... worker B does the whole pass ...
        with django_capture_on_commit_callbacks(execute=True):
            assert escalation.apply_rows(stale, now) == 0  # ... A's claim finds the row moved on
    assert len(escalations(world.officer)) == 1
    assert EscalationEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="assignment.escalate").count() == 1


def test_two_worker_threads_notify_once_per_level(transactional_db):
    """Two real connections read the same due rows, then both try to claim them."""
    world = make_world()
    with time_machine.travel(T0, tick=False):
        items = [issue(world, deadline=DEADLINE, subject=f"事项{i}") for i in range(5)]
    both_read = threading.Barrier(2, timeout=10)
    write_turn = threading.Lock()  # SQLite in memory: writers take turns; the claims still race on stale reads
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connection

        try:
            with at(DEADLINE + dt.timedelta(days=10), 8):
                rows = escalation.due_rows(timezone.now())
                both_read.wait()
                with write_turn:
                    results.append(escalation.apply_rows(rows, timezone.now()))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == [0, 5]
    assert set(Assignment.objects.values_list("escalation_level", flat=True)) == {4}
    assert EscalationEvent.objects.count() == 5
    assert Notification.objects.filter(recipient=world.officer, kind="assignment.escalated").count() == 1
    assert len(items) == 5


def test_the_worker_command_runs_the_step(world, issued):
    with at(DEADLINE, 8):
        call_command("worker", "--once", "--step", "escalate", stdout=open("/dev/null", "w"))
    assert fresh(issued).escalation_level == 2


def test_listed_items_reach_the_leaders_board_and_work(world, issued, as_user, django_capture_on_commit_callbacks):
    with at(DEADLINE + dt.timedelta(days=11), 8):
        run_worker(django_capture_on_commit_callbacks)
        board = as_user(world.leader).get("/tasks/listed/").content.decode()
        items = work_items(world.leader)
    assert issued.number in board.split('id="listed-board"')[1].split("</div>\n<h2")[0]
    assert [i.title for i in items] == [f"{issued.number} {issued.subject}"]
    assert items[0].colour.name == "RED" and str(items[0].action_label) == "挂牌督办：跟踪督促"
