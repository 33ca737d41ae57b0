"""The meeting and its minutes move only as declared; refusals say why and change nothing."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qingyuan.core.models import AuditEntry, Notification
from qingyuan.core.workflow import TransitionError
from qingyuan.meetings import actions, minutes
from qingyuan.meetings.choices import MeetingStatus, MinutesStatus
from qingyuan.meetings.models import Correction, Meeting
from qingyuan.meetings.tests.factory import at, held_with_decisions, meeting

pytestmark = pytest.mark.django_db(transaction=False)


@contextlib.contextmanager
def refused(code: str):
    """A TransitionError with this code (messages are in the user's language)."""
    with pytest.raises(TransitionError) as caught:
        yield
    assert caught.value.code == code, caught.value.message


def test_it_sends_one_notice_per_invitee_and_refuses_a_notice_without_invitees(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = meeting(world, units=("bureau", "township_unit"))
    assert m.status == MeetingStatus.NOTIFIED
    assert sorted(m.invitations.values_list("user__username", flat=True)) == ["officer", "township"]
    assert Notification.objects.filter(kind="meeting.notice").count() == 2
    assert AuditEntry.objects.filter(action="meeting.send_notice", object_id=str(m.pk)).exists()
    empty = actions.do_schedule_meeting(world.park, acting_user=world.regulator, kind="special", title="专题会",
                                        starts_at=at("2026-03-11"), ends_at=at("2026-03-11", 10), place="会议室",
                                        chair=world.leader)
    with refused("guard"):
        actions.do_fire_meeting(empty, "send_notice", acting_user=world.regulator)
    assert Meeting.objects.get(pk=empty.pk).status == MeetingStatus.PLANNED


def test_it_cancels_only_with_a_reason_and_only_before_the_meeting_is_held(world):
    m = meeting(world)
    with refused("reason"):
        actions.do_fire_meeting(m, "cancel", acting_user=world.regulator)
    actions.do_fire_meeting(m, "hold", acting_user=world.regulator)
    with refused("state"):
        actions.do_fire_meeting(m, "cancel", acting_user=world.regulator, reason="改期")
    assert Meeting.objects.get(pk=m.pk).status == MeetingStatus.HELD


def test_it_refuses_minutes_before_the_meeting_is_held_and_issue_before_approval(world):
    m = meeting(world)
    item = actions.do_add_item(m, title="议题一", acting_user=world.regulator)
    with refused("guard"):
        minutes.do_fire_minutes(m, "submit", acting_user=world.regulator)
    actions.do_fire_meeting(m, "hold", acting_user=world.regulator)
    minutes.do_record_minutes(item, text="会议听取了汇报。", acting_user=world.regulator)
    with refused("state"):
        minutes.do_fire_minutes(m, "issue", acting_user=world.regulator)
    minutes.do_fire_minutes(m, "submit", acting_user=world.regulator)
    with refused("locked"):
        minutes.do_record_minutes(item, text="改写", acting_user=world.regulator)
    with refused("role"):
        minutes.do_fire_minutes(m, "approve", acting_user=world.regulator)  # the chair approves, not the office
    assert Meeting.objects.get(pk=m.pk).minutes_status == MinutesStatus.SUBMITTED


def test_it_numbers_issued_minutes_per_year_and_corrects_them_only_with_an_audited_reason(world):
    with time_machine.travel(at("2026-03-10", 15), tick=False):
        m = held_with_decisions(world, 1)
        minutes.do_fire_minutes(m, "submit", acting_user=world.regulator)
        minutes.do_approve_minutes(m, acting_user=world.leader)
        minutes.do_issue_minutes(m, acting_user=world.regulator)
        second = held_with_decisions(world, 1, title="领导小组第二次会议", day="2026-03-10")
        minutes.do_fire_minutes(second, "submit", acting_user=world.regulator)
        minutes.do_approve_minutes(second, acting_user=world.leader)
        minutes.do_issue_minutes(second, acting_user=world.regulator)
    m.refresh_from_db()
    second.refresh_from_db()
    assert (m.number, second.number) == ("纪要〔2026〕第1号", "纪要〔2026〕第2号")
    item = m.items.get()
    with refused("locked"):
        minutes.do_record_minutes(item, text="直接改写", acting_user=world.regulator)
    decision = m.decisions.get()
    with pytest.raises(ValidationError, match="reason"):
        minutes.do_correct_minutes(m, target=decision, field="text", new="更正后的表述", reason="  ",
                                   acting_user=world.regulator)
    minutes.do_correct_minutes(m, target=decision, field="text", new="更正后的表述", reason="文字笔误",
                               acting_user=world.regulator)
    decision.refresh_from_db()
    assert decision.text == "更正后的表述"
    c = Correction.objects.get(meeting=m)
    assert (c.old, c.new, c.reason) == ("第1项：限期完成整改并报送佐证材料", "更正后的表述", "文字笔误")
    entry = AuditEntry.objects.get(action="meeting.correct")
    assert entry.before == {"text": c.old} and entry.after == {"text": "更正后的表述"} and entry.message == "文字笔误"


def test_it_returns_minutes_to_the_office_with_a_reason(world):
    m = held_with_decisions(world, 1)
    minutes.do_fire_minutes(m, "submit", acting_user=world.regulator)
    with refused("reason"):
        minutes.do_fire_minutes(m, "return", acting_user=world.leader)
    minutes.do_fire_minutes(m, "return", acting_user=world.leader, reason="议定事项二的责任单位需调整")
    assert Meeting.objects.get(pk=m.pk).minutes_status == MinutesStatus.DRAFT
    assert dt.date(2026, 4, 30) == m.decisions.get().deadline
