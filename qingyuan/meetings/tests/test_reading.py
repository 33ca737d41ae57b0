"""Read receipts of issued minutes, and the meetings on the homes (invitee's home, leader's cockpit)."""

from __future__ import annotations

import pytest
import time_machine

from qingyuan.core.models import AuditEntry
from qingyuan.meetings import minutes
from qingyuan.meetings.models import MinutesReceipt
from qingyuan.meetings.tests.factory import at, held_with_decisions, meeting

pytestmark = pytest.mark.django_db


def test_it_records_one_read_receipt_per_invited_reader_of_issued_minutes(world, as_user):
    with time_machine.travel(at("2026-03-10", 15), tick=False):
        m = held_with_decisions(world, 1)
        as_user(world.officer).get(f"/meetings/{m.pk}/")
        assert not MinutesReceipt.objects.exists()  # not issued yet
        minutes.do_fire_minutes(m, "submit", acting_user=world.regulator)
        minutes.do_approve_minutes(m, acting_user=world.leader)
        minutes.do_issue_minutes(m, acting_user=world.regulator)
    for _ in range(2):
        assert as_user(world.officer).get(f"/meetings/{m.pk}/").status_code == 200
    as_user(world.regulator).get(f"/meetings/{m.pk}/")  # the office is not a reader
    receipt = MinutesReceipt.objects.get()
    assert (receipt.user, receipt.unit) == (world.officer, world.bureau)
    assert AuditEntry.objects.filter(action="meeting.read").count() == 1
    page = as_user(world.regulator).get(f"/meetings/{m.pk}/").content.decode()
    assert 'id="receipts"' in page and "环保局联络员" in page
    assert as_user(world.officer).get(f"/meetings/{m.pk}/minutes.docx").status_code == 200


def test_it_shows_upcoming_meetings_on_the_invitees_home_and_the_leaders_cockpit(world, as_user):
    with time_machine.travel(at("2026-03-09", 10), tick=False):
        m = meeting(world, units=("bureau",))
        home = as_user(world.officer).get("/").content.decode()
        assert 'id="meetings-panel"' in home and m.title in home
        assert m.title not in as_user(world.township).get("/").content.decode()
        cockpit = as_user(world.leader).get("/").content.decode()
        assert 'id="meetings-panel"' in cockpit and m.title in cockpit
