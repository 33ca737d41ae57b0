"""The ladder is a pure function of dates: table tests, no database."""

import datetime as dt

import pytest

from qingyuan.tasks.ladder import (
    LISTED,
    NONE,
    REMINDER,
    SUPERVISED,
    URGED,
    Ladder,
    due_on,
    level_on,
    next_level,
)

D = dt.date(2026, 6, 30)  # the deadline in every row
DEFAULT = Ladder()          # remind 3 days before, 督办 after 3 days overdue, 挂牌 after 10
CUSTOM = Ladder(reminder_days=7, supervise_after_days=5, list_after_days=15)
NO_REMINDER = Ladder(reminder_days=0, supervise_after_days=1, list_after_days=2)


@pytest.mark.parametrize(("ladder", "today", "level"), [
    (DEFAULT, D - dt.timedelta(days=30), NONE),
    (DEFAULT, D - dt.timedelta(days=4), NONE),
    (DEFAULT, D - dt.timedelta(days=3), REMINDER),
    (DEFAULT, D - dt.timedelta(days=1), REMINDER),
    (DEFAULT, D, URGED),                          # 催办 at the deadline
    (DEFAULT, D + dt.timedelta(days=2), URGED),
    (DEFAULT, D + dt.timedelta(days=3), SUPERVISED),
    (DEFAULT, D + dt.timedelta(days=9), SUPERVISED),
    (DEFAULT, D + dt.timedelta(days=10), LISTED),
    (DEFAULT, D + dt.timedelta(days=400), LISTED),
    (CUSTOM, D - dt.timedelta(days=8), NONE),
    (CUSTOM, D - dt.timedelta(days=7), REMINDER),
    (CUSTOM, D + dt.timedelta(days=4), URGED),
    (CUSTOM, D + dt.timedelta(days=5), SUPERVISED),
    (CUSTOM, D + dt.timedelta(days=14), SUPERVISED),
    (CUSTOM, D + dt.timedelta(days=15), LISTED),
    (NO_REMINDER, D - dt.timedelta(days=1), NONE),
    (NO_REMINDER, D, URGED),
    (NO_REMINDER, D + dt.timedelta(days=1), SUPERVISED),
    (NO_REMINDER, D + dt.timedelta(days=2), LISTED),
])
def test_it_gives_the_level_the_dates_call_for(ladder, today, level):
    assert level_on(D, today, ladder) == level


@pytest.mark.parametrize(("today", "current", "expected"), [
    (D - dt.timedelta(days=10), NONE, NONE),
    (D - dt.timedelta(days=2), NONE, REMINDER),
    (D + dt.timedelta(days=20), NONE, LISTED),       # a worker back after a long stop jumps, it does not step
    (D - dt.timedelta(days=10), SUPERVISED, SUPERVISED),  # never lower on its own
    (D + dt.timedelta(days=4), LISTED, LISTED),
    (D, REMINDER, URGED),
])
def test_it_never_moves_an_item_down(today, current, expected):
    assert next_level(D, today, DEFAULT, current) == expected


@pytest.mark.parametrize(("ladder", "level", "day"), [
    (DEFAULT, NONE, D - dt.timedelta(days=3)),
    (DEFAULT, REMINDER, D),
    (DEFAULT, URGED, D + dt.timedelta(days=3)),
    (DEFAULT, SUPERVISED, D + dt.timedelta(days=10)),
    (DEFAULT, LISTED, None),
    (CUSTOM, NONE, D - dt.timedelta(days=7)),
    (CUSTOM, SUPERVISED, D + dt.timedelta(days=15)),
    (NO_REMINDER, NONE, D),                          # no reminder: the first step is 催办
])
def test_it_tells_when_the_next_level_starts(ladder, level, day):
    assert due_on(D, ladder, level) == day


def test_due_on_and_level_on_agree_on_every_day():
    for ladder in (DEFAULT, CUSTOM, NO_REMINDER):
        level, today = NONE, D - dt.timedelta(days=40)
        while today < D + dt.timedelta(days=40):
            change = due_on(D, ladder, level)
            if change is not None and today >= change:
                assert level_on(D, today, ladder) > level
                level = level_on(D, today, ladder)
            assert level_on(D, today, ladder) == level, (ladder, today)
            today += dt.timedelta(days=1)
        assert level == LISTED


@pytest.mark.parametrize("values", [(-1, 3, 10), (3, 0, 10), (3, 5, 5), (3, 10, 4)])
def test_it_refuses_an_inconsistent_ladder(values):
    with pytest.raises(ValueError):
        Ladder(*values)
