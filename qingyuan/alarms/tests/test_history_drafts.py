"""The year of alarm history: one alarm per stretch of findings, never two active at once."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from qingyuan.alarms.choices import AlarmKind
from qingyuan.alarms.history import Obs, drafts

NOW = dt.datetime(2026, 12, 6, 13, 30, tzinfo=dt.UTC)
POINT = SimpleNamespace(info=SimpleNamespace(id=7))


def day(n: float) -> dt.datetime:
    return NOW + dt.timedelta(days=n)


def outage(start: float, end: float) -> Obs:
    return Obs(day(start), day(end), (end - start) * 24, 24)


def test_it_keeps_one_alarm_open_when_a_long_outage_ends_in_the_last_days():
    """An outage that began before the alarm's closing and ended three days ago keeps the alarm
    open (being handled); the outage after it extends that alarm instead of opening a second one
    beside it (the database allows one active alarm per point, parameter and kind)."""
    found = drafts({(7, ""): [outage(-40, -38), outage(-20, -3), outage(-2, -1)]}, AlarmKind.OFFLINE,
                   {7: POINT}, NOW)
    assert len(found) == 1
    assert found[0].closes is None
    assert [o.start for o in found[0].obs] == [day(-40), day(-20), day(-2)]


def test_it_opens_a_new_alarm_after_one_that_was_closed():
    found = drafts({(7, ""): [outage(-90, -88), outage(-3, -2)]}, AlarmKind.OFFLINE, {7: POINT}, NOW)
    assert [(d.start, d.closes is None) for d in found] == [(day(-90), False), (day(-3), True)]


def test_it_closes_by_now_an_alarm_whose_data_ended_weeks_ago():
    """An outage detected 20 days ago would close after its three weeks of handling, tomorrow; its data
    ended long ago, so the history closes it now rather than leave it open (open alarms are recent)."""
    found = drafts({(7, ""): [outage(-21, -20)]}, AlarmKind.OFFLINE, {7: POINT}, NOW)
    assert [d.closes for d in found] == [NOW - dt.timedelta(hours=2)]
