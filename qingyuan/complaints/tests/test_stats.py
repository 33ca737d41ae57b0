"""Statistics on a hand-built dataset: every number on the page is checked."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from qingyuan.complaints import geo, stats
from qingyuan.complaints.actions import new_code, phone_hash
from qingyuan.complaints.models import Complaint

CST = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 15)


def make(world, day, *, category="odour", channel="online", case_type="complaint", enterprise=None, unit=None,
         township=None, phone="", status="closed", on_time=None, rating="", review_level=0, lon=None, lat=None,
         handle_deadline=None):
    """A row as the actions leave it (statistics read columns only)."""
    d = dt.date.fromisoformat(day)
    return Complaint.objects.create(
        park=world.park, code=new_code(), case_type=case_type, channel=channel, category=category,
        description="x", enterprise=enterprise, handling_unit=unit, township=township,
        received_at=dt.datetime(d.year, d.month, d.day, 9, tzinfo=CST), received_on=d, year=d.year, month=d.month,
        phone=phone, phone_hash=phone_hash(phone), status=status, accept_deadline=d + dt.timedelta(days=15),
        handle_deadline=handle_deadline, replied_on_time=on_time, rating=rating, review_level=review_level,
        longitude=lon, latitude=lat, place_cell=geo.cell(lon, lat))


@pytest.fixture
def dataset(world):
    a, b, bureau, town = world.enterprise_a, world.enterprise_b, world.bureau, world.township_unit
    for day in ("2025-01-05", "2025-01-06", "2025-01-20"):
        make(world, day, enterprise=a, unit=bureau, phone="13900000001" if day == "2025-01-05" else "",
             on_time=True, lon="116.4101", lat="27.8301")
    make(world, "2025-03-02", category="noise", channel="hotline", enterprise=b, unit=town, township=town)
    make(world, "2025-03-09", category="noise", channel="hotline", enterprise=b, unit=town, township=town)
    make(world, "2025-03-30", category="other", channel="letter", case_type="petition", unit=bureau)
    make(world, "2025-06-30", channel="visit", unit=bureau, on_time=False)
    make(world, "2025-10-01", category="waste_water", unit=bureau)
    make(world, "2025-10-02", category="waste_water", unit=bureau)
    # 2026: four original cases and one review
    make(world, "2026-01-10", enterprise=a, unit=bureau, phone="139 0000 0001", on_time=True, rating="satisfied",
         lon="116.4102", lat="27.8302")
    make(world, "2026-02-01", category="noise", channel="hotline", enterprise=b, unit=town, township=town,
         phone="13900000002", on_time=False, rating="dissatisfied", lon="116.4200", lat="27.8300")
    make(world, "2026-02-03", category="noise", channel="hotline", enterprise=b, unit=town, township=town,
         phone="13900000002", on_time=True, rating="basically_satisfied", lon="116.4201", lat="27.8301")
    make(world, "2026-05-20", category="smoke_dust", unit=town, township=town, status="in_handling",
         handle_deadline=dt.date(2026, 6, 10))
    make(world, "2026-06-01", category="noise", unit=bureau, review_level=1, status="in_handling",
         handle_deadline=dt.date(2026, 7, 1))
    return world


def test_it_counts_by_year_month_category_channel_and_type(dataset):
    report = stats.report(Complaint.objects.filter(park=dataset.park), 2026, TODAY)
    assert report.years == [(2025, 9), (2026, 4)]
    assert report.total == 4 and report.total_last == 9
    assert report.months == [1, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert report.months_last == [3, 0, 3, 0, 0, 1, 0, 0, 0, 2, 0, 0]
    assert (report.comparable_months, report.comparable_last, report.change_pct) == (6, 7, -42.9)
    assert {v: n for v, _label, n in report.by_category} == {
        "odour": 1, "waste_water": 0, "smoke_dust": 1, "noise": 2, "solid_waste": 0, "other": 0}
    assert {v: n for v, _label, n in report.by_channel}["hotline"] == 2
    assert {v: n for v, _label, n in report.by_case_type} == {"complaint": 4, "petition": 0}
    last = stats.report(Complaint.objects.filter(park=dataset.park), 2025, TODAY)
    assert {v: n for v, _label, n in last.by_case_type} == {"complaint": 8, "petition": 1}
    assert last.change_pct is None and last.comparable_months == 12


def test_it_counts_by_enterprise_township_and_unit_with_the_on_time_rate(dataset):
    report = stats.report(Complaint.objects.filter(park=dataset.park), 2026, TODAY)
    assert report.by_enterprise == [("乙化工有限公司", 2), ("甲化工有限公司", 1), ("未指明", 1)]
    assert report.by_township == [("临江镇", 3), ("不明", 1)]
    units = {u["unit"]: u for u in report.by_unit}
    assert (units["县环保局"]["routed"], units["县环保局"]["replied"], units["县环保局"]["rate"]) == (2, 1, 100.0)
    town = units["临江镇"]
    assert (town["routed"], town["replied"], town["on_time"], town["rate"], town["overdue_open"]) == (3, 2, 1, 50.0, 1)


def test_it_counts_repeat_complainants_by_phone_hash_and_the_outcome(dataset):
    report = stats.report(Complaint.objects.filter(park=dataset.park), 2026, TODAY)
    assert (report.repeaters, report.repeat_complaints) == (1, 2)
    assert report.top_repeaters == [(phone_hash("13900000002")[:8], 2)]
    last = stats.report(Complaint.objects.filter(park=dataset.park), 2025, TODAY)
    assert last.repeaters == 0  # one complaint from that phone in 2025
    o = report.outcome
    assert (o["replied"], o["on_time"], o["on_time_rate"]) == (3, 2, 66.7)
    assert (o["rated"], o["satisfied"], o["basically"], o["dissatisfied"], o["satisfaction_rate"]) == (3, 1, 1, 1, 66.7)
    assert (o["reviews"], o["open"]) == (1, 1)


def test_it_groups_hotspots_in_cells_of_about_200_metres(dataset):
    spots = stats.hotspots(Complaint.objects.filter(park=dataset.park), 2026)
    assert sorted(n for _x, _y, n in spots) == [1, 2]
    (x, y, n), = [s for s in spots if s[2] == 2]
    assert (round(x, 3), round(y, 3)) == (116.42, 27.83)


def test_it_shows_the_numbers_on_the_page(dataset, as_user):
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=CST), tick=False):
        response = as_user(dataset.regulator).get("/complaints/statistics/", {"year": 2026})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="total">4<' in html and "-42.9%" in html and 'id="on-time-rate">66.7%' in html
    assert "临江镇" in html and "13900000002" not in html


def test_it_keeps_the_statistics_page_to_a_fixed_number_of_queries(dataset, as_user, django_assert_max_num_queries):
    client = as_user(dataset.regulator)
    client.get("/complaints/statistics/")
    with django_assert_max_num_queries(30):
        client.get("/complaints/statistics/", {"year": 2025})
