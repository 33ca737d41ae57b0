"""The rest-day calendar and the legal time limits counted with it.

Hand-computed from the State Council General Office's notices (国务院办公厅关于2025/2026年部分
节假日安排的通知) and 民法典 第二百零一条 (the starting day is not counted) / 第二百零三条 (a period
whose last day is a statutory holiday ends on the day after the holiday ends).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qingyuan.complaints import deadlines as d
from qingyuan.core import restdays
from qingyuan.core.models import AuditEntry, RestDay, RestDayYear

D = dt.date


@pytest.fixture
def shipped():
    return restdays.shipped_calendar()


def test_it_keeps_a_deadline_that_falls_on_a_make_up_saturday(shipped):
    """民法典 第二百零一条/第二百零三条 + the 2025 notice (国办发明电〔2024〕12号 item 6: 10-01..10-08 off,
    09-28 (Sun) and 10-11 (Sat) working days). Received Friday 2025-09-26, 15 日: day 1 is 09-27,
    day 15 is Saturday 10-11. 10-11 is a make-up working day, so the period ends on 10-11 itself."""
    assert d.period_end(D(2025, 9, 26), 15, holidays=shipped) == D(2025, 10, 11)
    assert not shipped.is_rest_day(D(2025, 10, 11)) and not shipped.is_rest_day(D(2025, 9, 28))


def test_it_moves_a_deadline_inside_the_national_day_holiday_to_the_first_working_day(shipped):
    """2025 notice item 6 (10-01..10-08 off) and 民法典 第二百零三条: received 2025-09-20, 15 日 end on
    Sunday 10-05, inside the holiday; the holiday ends on Wednesday 10-08, so the period ends on
    Thursday 10-09."""
    assert d.period_end(D(2025, 9, 20), 15, holidays=shipped) == D(2025, 10, 9)


def test_it_moves_a_deadline_on_a_sunday_to_monday(shipped):
    """Weekends are rest days (民法典 第二百零三条 as applied to 双休日): 2026-03-01 + 7 日 = Sunday
    2026-03-08, so the period ends on Monday 03-09; 2026-03-02 + 7 日 = Monday 03-09 stays."""
    assert d.period_end(D(2026, 3, 1), 7, holidays=shipped) == D(2026, 3, 9)
    assert d.period_end(D(2026, 3, 2), 7, holidays=shipped) == D(2026, 3, 9)


def test_it_counts_the_spring_festival_and_its_make_up_saturday(shipped):
    """2026 notice item 2: 02-15..02-23 off, Saturdays 02-14 and 02-28 working days. 2026-02-03 + 15 日 =
    02-18 (inside the holiday) → 02-24; 2026-01-30 + 15 日 = Saturday 02-14, a working day → 02-14."""
    assert d.period_end(D(2026, 2, 3), 15, holidays=shipped) == D(2026, 2, 24)
    assert d.period_end(D(2026, 1, 30), 15, holidays=shipped) == D(2026, 2, 14)


def test_it_stores_the_shipped_years_once(db):
    assert set(RestDayYear.objects.values_list("year", flat=True)) >= {2024, 2025, 2026}
    before = RestDay.objects.count()
    assert restdays.load_shipped() == []  # the migration stored them: loading again adds nothing
    assert RestDay.objects.count() == before
    # 2025: 1 + 8 + 3 + 5 + 3 + 8 holiday days and 5 make-up days
    assert RestDay.objects.filter(calendar_year__year=2025).count() == 28 + 5
    assert restdays.calendar() == restdays.shipped_calendar()


def test_it_adds_a_year_with_its_make_up_days_and_audits_it(world):
    row = restdays.do_add_rest_day_year(
        2027, notice="国务院办公厅关于2027年部分节假日安排的通知", acting_user=world.regulator,
        holidays=[(D(2027, 10, 1), D(2027, 10, 7), "国庆节")], workdays=[D(2027, 9, 26)])
    cal = restdays.calendar()
    assert cal.knows(2027) and cal.is_rest_day(D(2027, 10, 4)) and not cal.is_rest_day(D(2027, 9, 26))
    entry = AuditEntry.objects.get(action="restdays.year_add", object_id=str(row.pk))
    assert entry.user == world.regulator and entry.after["workdays"] == ["2027-09-26"]


def test_it_refuses_a_make_up_day_on_a_weekday_and_changes_nothing(world):
    with pytest.raises(ValidationError) as caught:
        restdays.do_add_rest_day_year(2027, notice="通知", acting_user=world.regulator,
                                      holidays=[(D(2027, 1, 1), D(2027, 1, 1), "元旦")], workdays=[D(2027, 1, 5)])
    assert "2027-01-05" in caught.value.message_dict["workdays"][0]
    assert not RestDayYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.filter(action="restdays.year_add").exists()


def test_it_reports_the_missing_coming_year_from_december_first(db):
    assert restdays.missing_year(D(2026, 11, 30)) is None
    assert restdays.missing_year(D(2026, 12, 1)) == 2027
    assert restdays.missing_year(D(2026, 11, 20), warn_days=45) == 2027
    assert restdays.missing_year(D(2025, 12, 20)) is None  # 2026 is known


def test_it_corrects_and_removes_single_days_with_audit_entries(world):
    """A county correction: 2026-10-10 (the notice's make-up Saturday) made a rest day, then back to the
    weekend rule by removing the row; a make-up day on a weekday is refused."""
    day = restdays.do_set_rest_day(D(2026, 10, 10), kind="holiday", name="更正", acting_user=world.regulator)
    assert restdays.calendar().is_rest_day(D(2026, 10, 10))
    entry = AuditEntry.objects.get(action="restdays.day_set")
    assert (entry.before["kind"], entry.after["kind"]) == ("workday", "holiday")
    restdays.do_remove_rest_day(day, acting_user=world.regulator)
    assert restdays.calendar().is_rest_day(D(2026, 10, 10))  # a Saturday without an exception
    assert AuditEntry.objects.filter(action="restdays.day_remove").count() == 1
    with pytest.raises(ValidationError):
        restdays.do_set_rest_day(D(2026, 10, 12), kind="workday", acting_user=world.regulator)
    with pytest.raises(ValidationError):
        restdays.do_set_rest_day(D(2030, 1, 5), kind="workday", acting_user=world.regulator)  # no 2030 notice
