"""Replies, sign-in by QR code (invited, in the window, this meeting's token), reminders, the indicator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qingyuan.assessment.indicators import KEYS, Period
from qingyuan.core.models import AuditEntry, Notification
from qingyuan.core.workflow import TransitionError
from qingyuan.meetings import actions, reminders
from qingyuan.meetings.choices import Response
from qingyuan.meetings.models import Invitation, Reminder
from qingyuan.meetings.tests.factory import at, meeting

pytestmark = pytest.mark.django_db


def test_it_records_replies_and_refuses_a_deputy_without_a_name_or_an_absence_without_a_reason(world):
    m = meeting(world, units=("bureau", "township_unit"))
    mine = m.invitations.get(user=world.officer)
    with pytest.raises(ValidationError) as caught:
        actions.do_respond(mine, response=Response.DEPUTY, acting_user=world.officer)
    assert "deputy_name" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        actions.do_respond(mine, response=Response.ABSENT, acting_user=world.officer)
    assert "reason" in caught.value.message_dict
    assert Invitation.objects.get(pk=mine.pk).response == Response.PENDING
    actions.do_respond(mine, response=Response.DEPUTY, deputy_name="王副局长", acting_user=world.officer)
    theirs = m.invitations.get(user=world.township)
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied: one may not reply for another
        actions.do_respond(theirs, response=Response.CONFIRMED, acting_user=world.officer)
    actions.do_respond(theirs, response=Response.ABSENT, reason="同日参加省厅会议", acting_user=world.township)
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.response, mine.deputy_name) == (Response.DEPUTY, "王副局长")
    assert (theirs.response, theirs.reason) == (Response.ABSENT, "同日参加省厅会议")
    assert AuditEntry.objects.filter(action="meeting.respond").count() == 2


def test_it_signs_in_only_the_invited_within_the_window_with_this_meetings_token(world):
    m = meeting(world, sign_in_margin=30)  # 09:00–11:00, sign-in 08:30–11:30
    other = meeting(world, title="另一次会议")
    token = actions.sign_in_token(m)

    def refused(user, when, tok=token):
        with time_machine.travel(when, tick=False), pytest.raises(TransitionError) as caught:
            actions.do_sign_in(m, acting_user=user, token=tok)
        return caught.value.code

    assert refused(world.officer, at("2026-03-10", 8, 29)) == "sign_in"  # too early
    assert refused(world.officer, at("2026-03-10", 11, 31)) == "sign_in"  # too late
    assert refused(world.township, at("2026-03-10", 9, 5)) == "sign_in"  # not invited
    assert refused(world.officer, at("2026-03-10", 9, 5), actions.sign_in_token(other)) == "token"
    assert refused(world.officer, at("2026-03-10", 9, 5), "forged") == "token"
    assert not Invitation.objects.filter(signed_in_at__isnull=False).exists()
    with time_machine.travel(at("2026-03-10", 8, 45), tick=False):
        inv = actions.do_sign_in(m, acting_user=world.officer, token=token)
    assert inv.signed_in_at == at("2026-03-10", 8, 45) and inv.signed_in_by == "环保局联络员"
    assert AuditEntry.objects.filter(action="meeting.sign_in", object_id=str(inv.pk)).count() == 1


def test_it_signs_in_from_the_phone_page_and_refuses_with_the_reason(world, as_user):
    m = meeting(world)
    token = actions.sign_in_token(m)
    with time_machine.travel(at("2026-03-10", 9, 10), tick=False):
        refused = as_user(world.leader).post(f"/meetings/{m.pk}/sign-in/", {"t": token})
        assert refused.status_code == 403
        assert "sign-in-refused" in refused.content.decode()
        page = as_user(world.officer).get(f"/meetings/{m.pk}/sign-in/?t={token}")
        assert page.status_code == 200 and "sign-in-button" in page.content.decode()
        done = as_user(world.officer).post(f"/meetings/{m.pk}/sign-in/", {"t": token})
    assert done.status_code == 302
    assert Invitation.objects.get(meeting=m, user=world.officer).signed_in_at is not None
    assert as_user(world.township).get(f"/meetings/{m.pk}/sign-in/?t={token}").status_code == 404


def test_it_reminds_each_invitee_once_a_day_and_once_an_hour_before(world, django_capture_on_commit_callbacks):
    m = meeting(world, units=("bureau", "township_unit"))
    actions.do_respond(m.invitations.get(user=world.township), response=Response.ABSENT, reason="出差",
                       acting_user=world.township)
    with django_capture_on_commit_callbacks(execute=True):
        assert not reminders.handle_one_reminder(at("2026-03-08", 9))  # two days before: nothing
        assert reminders.handle_one_reminder(at("2026-03-09", 10))
        assert not reminders.handle_one_reminder(at("2026-03-09", 11))  # idempotent
        assert reminders.handle_one_reminder(at("2026-03-10", 8, 15))
        assert not reminders.handle_one_reminder(at("2026-03-10", 8, 30))
    assert sorted(Reminder.objects.values_list("user__username", "kind")) == [("officer", "day"), ("officer", "hour")]
    assert Notification.objects.filter(kind="meeting.reminder", recipient=world.officer).count() == 2
    assert not Notification.objects.filter(kind="meeting.reminder", recipient=world.township).exists()


def test_it_scores_attendance_per_unit_as_an_assessment_indicator(world):
    first = meeting(world, units=("bureau", "township_unit"))
    second = meeting(world, units=("bureau", "township_unit"), day="2026-04-10", title="第二次会议")
    for m in (first, second):
        with time_machine.travel(m.starts_at, tick=False):
            actions.do_sign_in(m, acting_user=world.officer, token=actions.sign_in_token(m))
        actions.do_fire_meeting(m, "hold", acting_user=world.regulator)
    actions.do_record_presence(first.invitations.get(user=world.township), acting_user=world.regulator,
                               present_as="镇副镇长（代）")
    meeting(world, units=("township_unit",), day="2026-05-10", title="未召开的会议")  # not held: not counted
    definition = KEYS["meeting_attendance"]
    measures = definition.compute([world.bureau.pk, world.township_unit.pk],
                                  Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 12, 31)), {})
    assert measures[world.bureau.pk].percent() == Decimal("100.00")
    assert measures[world.township_unit.pk].percent() == Decimal("50.00")
    assert len(measures[world.township_unit.pk].counted) == 2
