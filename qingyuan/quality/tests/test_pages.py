"""The compliance page and the readings/KPI API: contents, ownership, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.quality import compute

from .support import at, permit, readings

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def data(world):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    readings(world.point_a, "minute", at("2026-03-02 00:00"), "w01018", [50.0] * 144)
    readings(world.point_a, "minute", at("2026-03-02 00:00"), "w00000", [10.0] * 144)
    readings(world.point_b, "minute", at("2026-03-02 00:00"), "w01018", [70.0] * 144)
    compute.recompute([world.point_a.pk, world.point_b.pk], DAY, DAY)
    return world


def test_it_shows_the_compliance_page_to_the_regulator_and_the_enterprise(data, as_user):
    for user in (data.regulator, data.officer, data.ent_a, data.inspector):
        response = as_user(user).get(f"/quality/enterprises/{data.enterprise_a.pk}/")
        assert response.status_code == 200, user
        body = response.content.decode()
        assert "loads-section" in body and "limits" in body and data.point_a.mn in body


def test_it_hides_the_compliance_page_of_another_enterprise(data, as_user):
    assert as_user(data.ent_b).get(f"/quality/enterprises/{data.enterprise_a.pk}/").status_code == 404
    assert as_user(data.outsider).get(f"/quality/enterprises/{data.enterprise_a.pk}/").status_code == 404
    assert as_user(None).get(f"/quality/enterprises/{data.enterprise_a.pk}/").status_code == 302


def test_it_keeps_the_compliance_page_queries_flat(data, as_user):
    client = as_user(data.regulator)
    client.get(f"/quality/enterprises/{data.enterprise_a.pk}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/quality/enterprises/{data.enterprise_a.pk}/")
    readings(data.point_a, "minute", at("2026-03-01 00:00"), "w01018", [40.0] * 144)
    compute.recompute([data.point_a.pk], dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    with CaptureQueriesContext(connection) as two:
        client.get(f"/quality/enterprises/{data.enterprise_a.pk}/")
    assert len(two.captured_queries) == len(one.captured_queries)


def test_it_serves_raw_and_aggregated_readings(data, as_user):
    client = as_user(data.ent_a)
    url = "/api/v1/readings"
    raw = client.get(url, {"point": data.point_a.pk, "kind": "minute", "parameter": "w01018",
                           "since": "2026-03-02T08:00:00+08:00", "until": "2026-03-02T09:00:00+08:00"}).json()
    assert raw["count"] == 6 and raw["results"][0]["avg"] == 50.0 and raw["point"]["mn"] == data.point_a.mn
    hourly = client.get(url, {"mn": data.point_a.mn, "aggregation": "hour", "parameter": "w01018",
                              "since": "2026-03-02T00:00:00+08:00", "until": "2026-03-03T00:00:00+08:00"}).json()
    assert hourly["count"] == 24 and hourly["results"][0]["mean"] == 50.0
    assert hourly["results"][0]["mass_kg"] == pytest.approx(50 * 36 / 1000)  # 36 m³ per hour
    daily = client.get(url, {"point": data.point_a.pk, "aggregation": "day",
                             "since": "2026-03-02T00:00:00+08:00", "until": "2026-03-03T00:00:00+08:00"}).json()
    assert {r["parameter"] for r in daily["results"]} == {"w01018", "w00000"}


def test_it_refuses_bad_reading_queries(data, as_user):
    client = as_user(data.regulator)
    assert client.get("/api/v1/readings", {"kind": "minute"}).status_code == 422
    assert client.get("/api/v1/readings", {"point": data.point_a.pk, "since": "2026-03-03T00:00:00+08:00",
                                           "until": "2026-03-02T00:00:00+08:00"}).json()["error"]


def test_it_hides_other_enterprises_readings_in_the_api(data, as_user):
    client = as_user(data.ent_b)
    assert client.get("/api/v1/readings", {"point": data.point_a.pk}).status_code == 404
    assert client.get("/api/v1/readings", {"mn": data.point_a.mn}).status_code == 404
    assert client.get("/api/v1/readings", {"point": data.point_b.pk}).status_code == 200
    assert client.get("/api/v1/kpis", {"enterprise": data.enterprise_a.pk}).status_code == 404
    assert client.get("/api/v1/kpis", {"point": data.point_a.pk}).status_code == 404
    assert as_user(None).get("/api/v1/readings", {"point": data.point_b.pk}).status_code == 401


def test_it_reports_kpis_for_a_point_and_an_enterprise(data, as_user):
    body = as_user(data.ent_a).get("/api/v1/kpis", {"enterprise": data.enterprise_a.pk, "month": "2026-03-02"})
    kpi = body.json()
    assert kpi["first_day"] == "2026-03-01" and kpi["last_day"] == "2026-03-31"
    assert (kpi["expected"], kpi["received"], kpi["valid"]) == (48, 48, 48)  # COD and flow, 24 hours each
    assert kpi["effective_rate"] == 1.0
