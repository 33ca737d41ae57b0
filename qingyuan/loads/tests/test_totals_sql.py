"""The load totals are summed by the database: no per-row Python on the way (the cockpit's cost)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.loads import totals
from qingyuan.loads.models import LoadPolicy
from qingyuan.loads.tests.helpers import daily

pytestmark = pytest.mark.django_db


def test_it_groups_masses_by_month_in_sql_without_a_python_function_per_row(park_world):
    w = park_world
    for day, kg in ((dt.date(2026, 1, 31), 100.0), (dt.date(2026, 2, 1), 200.0), (dt.date(2026, 12, 1), 50.0)):
        daily(w.point_a, "w01018", day, kg=kg)

    with CaptureQueriesContext(connection) as ctx:
        row = totals.enterprise_loads([w.enterprise_a], 2026, dt.date(2026, 12, 31), LoadPolicy(park=w.park))[0]

    cod = row.get("w01018")
    assert cod.months_t[0] == pytest.approx(0.1) and cod.months_t[1] == pytest.approx(0.2)
    assert cod.months_t[11] == pytest.approx(0.05) and cod.data_days == 3
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "django_date_extract" not in sql  # SQLite: Django's ExtractMonth calls Python for every row
