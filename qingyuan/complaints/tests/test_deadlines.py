"""The clocks as pure functions: the starting day is not counted, 日 are calendar days."""

import datetime as dt

import pytest

from qingyuan.complaints import deadlines as d

D = dt.date
PARK = d.Clocks(accept_days=7, handle_days=30, extension_days=15, review_request_days=30, review_answer_days=30)


@pytest.mark.parametrize(("start", "days", "end"), [
    (D(2026, 3, 1), 15, D(2026, 3, 16)),     # received 1 March: 2 March is day 1, 16 March day 15
    (D(2026, 1, 31), 30, D(2026, 3, 2)),     # across a short February
    (D(2028, 2, 14), 15, D(2028, 2, 29)),    # a leap day counts like any other day
    (D(2026, 12, 20), 15, D(2027, 1, 4)),    # across the new year
])
def test_it_counts_calendar_days_without_the_starting_day(start, days, end):
    assert d.period_end(start, days) == end


def test_it_moves_a_period_ending_on_a_holiday_to_the_next_working_day():
    holidays = {D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 3)}
    assert d.period_end(D(2026, 9, 16), 15, holidays=holidays) == D(2026, 10, 4)
    assert d.period_end(D(2026, 9, 15), 15, holidays=holidays) == D(2026, 9, 30)


@pytest.mark.parametrize(("clock", "clocks", "start", "end"), [
    (d.acceptance_deadline, d.PETITION, D(2026, 5, 1), D(2026, 5, 16)),      # Art. 22/23: 15 日
    (d.handling_deadline, d.PETITION, D(2026, 5, 10), D(2026, 7, 9)),        # Art. 34: 60 日 from acceptance
    (d.extended_deadline, d.PETITION, D(2026, 7, 9), D(2026, 8, 8)),         # Art. 34: + 30 日
    (d.review_request_deadline, d.PETITION, D(2026, 6, 1), D(2026, 7, 1)),   # Art. 35: ask within 30 日
    (d.review_answer_deadline, d.PETITION, D(2026, 7, 1), D(2026, 7, 31)),   # Art. 35: answer within 30 日
    (d.acceptance_deadline, PARK, D(2026, 5, 1), D(2026, 5, 8)),             # the park's own clocks
    (d.handling_deadline, PARK, D(2026, 5, 8), D(2026, 6, 7)),
    (d.extended_deadline, PARK, D(2026, 6, 7), D(2026, 6, 22)),
])
def test_it_computes_each_legal_clock(clock, clocks, start, end):
    assert clock(start, clocks) == end


def test_it_treats_the_last_day_as_on_time_until_midnight():
    deadline = D(2026, 7, 9)
    assert d.on_time(deadline, D(2026, 7, 9)) and not d.on_time(deadline, D(2026, 7, 10))
    assert d.on_time(None, D(2030, 1, 1))
    assert d.days_left(deadline, D(2026, 7, 9)) == 0 and d.days_left(deadline, D(2026, 7, 12)) == -3


def test_it_refuses_inconsistent_clocks():
    with pytest.raises(ValueError):
        d.Clocks(accept_days=0)
    with pytest.raises(ValueError):
        d.Clocks(extension_days=-1)
    assert d.PETITION == d.Clocks(15, 60, 30, 30, 30)
