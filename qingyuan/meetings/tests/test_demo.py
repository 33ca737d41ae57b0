"""The demo county's year of meetings: each decision linked to the assignment that carried it out."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qingyuan.demo.seed import Seeder
from qingyuan.meetings import status
from qingyuan.meetings.choices import DecisionState, MeetingKind, MinutesStatus
from qingyuan.meetings.demo import MOBILISATION
from qingyuan.meetings.models import Decision, Meeting


@pytest.mark.slow  # a whole demo seed of its own: run on SQLite only (Makefile, test-postgres)
def test_it_seeds_the_years_meetings_with_decisions_and_their_fates_once(db: Any) -> None:
    seeder = Seeder(log=lambda *a: None)
    seeder.run()
    today = timezone.localdate()
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert meetings[0].title == MOBILISATION and meetings[0].kind == MeetingKind.MOBILISATION
    kinds = [m.kind for m in meetings]
    assert kinds.count(MeetingKind.LEADING_GROUP) >= 12 and kinds.count(MeetingKind.PROGRESS) == 3
    past = [m for m in meetings if m.starts_at.date() < today]
    assert all(m.minutes_status == MinutesStatus.ISSUED and m.number for m in past)
    assert len({m.number for m in past}) == len(past)
    decisions = list(Decision.objects.select_related("assignment", "meeting"))
    assert all(d.assignment is not None for d in decisions if d.meeting in past)
    assert all(d.assignment.source_url() == d.get_absolute_url() for d in decisions)
    states = {status.state_of(d, today) for d in decisions}
    assert {DecisionState.DONE, DecisionState.ESCALATED, DecisionState.ON_TRACK} <= states
    assert all(2 <= m.decisions.count() <= 3 for m in past)
    upcoming = meetings[-1]
    assert upcoming.starts_at.date() > today and upcoming.items.filter(kind="review").get().reviews.count() > 0
    # the leader opens any meeting and sees what became of each decision
    leader = Client()
    leader.force_login(seeder.users["leader"])
    page = leader.get(f"/meetings/{past[3].pk}/").content.decode()
    for d in past[3].decisions.all():
        assert d.text in page and d.assignment.number in page
    before = (Meeting.objects.count(), Decision.objects.count())
    Seeder(log=lambda *a: None).run()
    assert (Meeting.objects.count(), Decision.objects.count()) == before
