"""Hand-computed rates for a small fixture, per village, overall and year over year, beside complaints; the
Excel export reopened; the assessment indicator."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from qingyuan.assessment.indicators import KEYS
from qingyuan.assessment.indicators.base import Period
from qingyuan.complaints.models import Complaint
from qingyuan.surveys import actions, stats
from qingyuan.surveys.models import Response
from qingyuan.surveys.tests.conftest import new_round, questions, village


def fill(world, r, v, points, batch_no):
    """Enter paper questionnaires with these satisfaction points (None: the question left blank)."""
    q = questions(r)
    batch = actions.do_create_batch(r, v, number=batch_no, acting_user=world.regulator)
    rows = [({str(q["satisfaction"].pk): [p]} if p else {}, p) for p in points]
    actions.do_enter_paper_responses(batch, rows, acting_user=world.regulator)


def complaints(world, year, n):
    for i in range(n):
        Complaint.objects.create(park=world.park, code=f"T{year}{i:04d}", received_on=dt.date(year, 5, 1), year=year,
                                 month=5, description="异味", category="odour", accept_deadline=dt.date(year, 5, 2),
                                 received_at=timezone.now())


def two_years(world):
    """Last year: 临江村 1,2,3,4 (2 of 4), 石桥村 1,5,5 (1 of 3) → 3 of 7 = 42.9 %.
    This year: 临江村 1,1,2,3 + one blank (3 of 4), 石桥村 2,2,4,1,1 (4 of 5) → 7 of 9 = 77.8 %."""
    town, other = village(world, "临江村", order=1), village(world, "石桥村", township=False, order=2)
    year = timezone.localdate().year
    last = new_round(world, year=year - 1, opens=timezone.localdate() - dt.timedelta(days=400))
    fill(world, last, town, [1, 2, 3, 4], "P-1")
    fill(world, last, other, [1, 5, 5], "P-2")
    actions.do_fire_round(last, "close", acting_user=world.regulator)
    this = new_round(world, year=year)
    fill(world, this, town, [1, 1, 2, 3, None], "P-1")
    fill(world, this, other, [2, 2, 4, 1, 1], "P-2")
    actions.do_fire_round(this, "close", acting_user=world.regulator)
    return town, other, last, this, year


def test_it_computes_the_rates_by_hand_per_village_overall_and_by_year(world):
    town, other, last, this, year = two_years(world)
    complaints(world, year - 1, 7)
    complaints(world, year, 2)
    overall, rows = stats.round_rates(this)
    assert [(v.name, r.satisfied, r.answered, str(r.percent), n, paper) for v, r, n, paper in rows] == [
        ("临江村", 3, 4, "75.0", 5, 5), ("石桥村", 4, 5, "80.0", 5, 5)]
    assert (overall.satisfied, overall.answered, str(overall.percent)) == (7, 9, "77.8")
    years = stats.by_year(world.park.pk)
    assert [(y.year, str(y.rate.percent), y.complaints, y.responses) for y in years] == [
        (year - 1, "42.9", 7, 7), (year, "77.8", 2, 10)]
    year_list, villages = stats.village_years(world.park.pk)
    assert year_list == [year - 1, year]
    assert [(v.name, [str(r.percent) for r in rates]) for v, rates in villages] == [
        ("临江村", ["50.0", "75.0"]), ("石桥村", ["33.3", "80.0"])]


def test_it_shows_the_years_beside_complaints_and_exports_them_to_excel(world, as_user):
    town, other, last, this, year = two_years(world)
    complaints(world, year - 1, 7)
    page = as_user(world.regulator).get("/surveys/results/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-year="{year - 1}"' in html and "42.9 %" in html and "77.8 %" in html
    export = as_user(world.regulator).get("/surveys/results/export.xlsx")
    assert export.status_code == 200
    wb = load_workbook(io.BytesIO(export.content))
    by_year = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert by_year[0][0] == "年份" and by_year[1][0] == year - 1 and by_year[1][5] == 42.9 and by_year[1][6] == 7
    assert by_year[2][3:6] == [9, 7, 77.8]
    by_village = [list(r) for r in wb.worksheets[1].iter_rows(values_only=True)]
    assert by_village[1][:5] == ["临江村", "临江镇", 1.5, 50.0, 75.0]
    this_round = [list(r) for r in wb.worksheets[3].iter_rows(values_only=True)]
    assert this_round[-1] == ["总体", 10, 10, 9, 7, 77.8]
    assert as_user(world.ent_a).get("/surveys/results/export.xlsx").status_code == 404
    assert as_user(world.outsider).get("/surveys/results/").content.decode().count("42.9") == 0


def test_it_computes_the_indicator_for_the_township_and_the_park(world):
    town, other, last, this, year = two_years(world)
    compute = KEYS["survey_satisfaction"].compute
    period = Period.of(year, 0, timezone.localdate())
    measures = compute([world.township_unit.pk, world.office.pk, world.bureau.pk], period, {})
    township, park = measures[world.township_unit.pk], measures[world.office.pk]
    assert (len(township.met), len(township.counted), str(township.percent())) == (3, 4, "75.00")
    assert (len(park.met), len(park.counted), str(park.percent())) == (7, 9, "77.78")
    assert world.bureau.pk not in measures
    assert set(park.counted) == set(Response.objects.filter(round=this, satisfaction__isnull=False)
                                    .values_list("pk", flat=True))
    last_year = compute([world.office.pk], Period.of(year - 1, 0, timezone.localdate()), {})[world.office.pk]
    assert (len(last_year.met), len(last_year.counted)) == (3, 7)
    before_closing = compute([world.office.pk], Period.of(year, 0, timezone.localdate() - dt.timedelta(days=1)), {})
    assert world.office.pk not in before_closing  # not yet closed on that day: nothing to count


def test_it_shows_the_cockpit_panel_with_both_years(world, as_user):
    town, other, last, this, year = two_years(world)
    complaints(world, year, 2)
    from qingyuan.surveys import panels

    context = panels.cockpit(None, world.park, timezone.localdate())
    assert [(y["year"], str(y["rate"]), y["complaints"]) for y in context["years"]] == [
        (year - 1, "42.9", 0), (year, "77.8", 2)]
    html = as_user(world.leader).get("/").content.decode()
    assert 'id="tile-surveys"' in html and "77.8" in html and "42.9" in html
