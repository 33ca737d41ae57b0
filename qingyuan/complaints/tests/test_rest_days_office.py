"""The office keeps the rest-day calendar: the page that adds a year, the December warning on the
cockpit, and the worker's one notification."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from qingyuan.complaints import restdays_office
from qingyuan.core.models import AuditEntry, Notification, RestDay, RestDayWarning, RestDayYear

CST = ZoneInfo("Asia/Shanghai")
YEAR_2027 = {
    "year": "2027", "notice": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": "2027-01-01 元旦\n2027-10-01 .. 2027-10-07 国庆节\n",
    "workdays": "2027-09-26\n2027-10-09",
}


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CST)


def test_it_warns_the_office_on_the_cockpit_from_december_first(world, as_user):
    """The 2027 notice is not shipped: the warning appears on 2026-12-01, not on 11-30."""
    client = as_user(world.regulator)
    with time_machine.travel(at("2026-11-30"), tick=False):
        assert 'id="tile-rest-days-missing"' not in client.get("/").content.decode()
    with time_machine.travel(at("2026-12-01"), tick=False):
        page = client.get("/").content.decode()
    assert 'id="tile-rest-days-missing"' in page and "2027" in page and "/complaints/rest-days/" in page


def test_it_notifies_the_office_once_that_the_coming_year_is_missing(world, django_capture_on_commit_callbacks):
    with time_machine.travel(at("2026-11-30"), tick=False):
        assert restdays_office.warn_missing_year_one() is False
    assert not RestDayWarning.objects.exists()
    with time_machine.travel(at("2026-12-01"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            restdays_office.warn_missing_year_one()
            restdays_office.warn_missing_year_one()
    with time_machine.travel(at("2026-12-20"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            restdays_office.warn_missing_year_one()
    # the calendar is national: the office staff of every park hear of it, each once
    notes = Notification.objects.filter(kind=restdays_office.KIND).order_by("recipient__username")
    assert [(n.recipient, "2027" in n.title) for n in notes] == [(world.outsider, True), (world.regulator, True)]
    assert list(RestDayWarning.objects.values_list("year", flat=True)) == [2027]


def test_it_adds_a_year_on_the_office_page_and_the_warning_goes(world, as_user):
    client = as_user(world.regulator)
    with time_machine.travel(at("2026-12-02"), tick=False):
        response = client.post("/complaints/rest-days/", YEAR_2027)
        assert response.status_code == 302
        assert 'id="tile-rest-days-missing"' not in client.get("/").content.decode()
    row = RestDayYear.objects.get(year=2027)
    assert RestDay.objects.filter(calendar_year=row, kind="holiday").count() == 8
    assert sorted(RestDay.objects.filter(calendar_year=row, kind="workday").values_list("date", flat=True)) == [
        dt.date(2027, 9, 26), dt.date(2027, 10, 9)]
    entry = AuditEntry.objects.get(action="restdays.year_add")
    assert entry.user == world.regulator and entry.after["holidays"][1] == "2027-10-01..2027-10-07 国庆节"


def test_it_refuses_bad_lines_with_a_clear_error_and_stores_nothing(world, as_user):
    client = as_user(world.regulator)
    response = client.post("/complaints/rest-days/", {**YEAR_2027, "workdays": "2027-09-27"})  # a Monday
    assert response.status_code == 400 and "2027-09-27" in response.content.decode()
    response = client.post("/complaints/rest-days/", {**YEAR_2027, "holidays": "国庆节 十月一日"})
    assert response.status_code == 400 and "国庆节 十月一日" in response.content.decode()
    response = client.post("/complaints/rest-days/", {**YEAR_2027, "year": "2026"})  # already stored
    assert response.status_code == 400
    assert not RestDayYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.filter(action="restdays.year_add").exists()


def test_it_opens_the_page_only_to_those_who_keep_the_complaint_settings(world, as_user):
    """The calendar is national: any park's office staff, leaders and admins may keep it."""
    for user in (world.regulator, world.leader, world.outsider):
        assert as_user(user).get("/complaints/rest-days/").status_code == 200, user
    for user in (world.officer, world.township, world.ent_a, world.inspector, world.supervisor):
        assert as_user(user).post("/complaints/rest-days/", YEAR_2027).status_code == 403, user
    assert as_user(None).get("/complaints/rest-days/").status_code in (302, 403)
    assert not RestDayYear.objects.filter(year=2027).exists()


def test_it_warns_earlier_when_the_office_sets_more_days(world, as_user, settings):
    settings.QINGYUAN_REST_DAYS_WARN_DAYS = 45
    with time_machine.travel(at("2026-11-20"), tick=False):  # 41 days before the year ends
        assert 'id="tile-rest-days-missing"' in as_user(world.regulator).get("/").content.decode()
