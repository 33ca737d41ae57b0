"""Load pages and /api/v1/loads: park-wide roles see the park, an enterprise user only its own loads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.loads import actions
from qingyuan.loads.models import BaselineLoad, NewProject
from qingyuan.loads.tests.helpers import daily, permit
from qingyuan.test import make_enterprise, make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(park_world):
    w = park_world
    permit(w.enterprise_a, {"w01018": "4"}, outlet=w.point_a.outlet)
    permit(w.enterprise_b, {"w01018": "2"}, outlet=w.point_b.outlet)
    for n in range(3):
        daily(w.point_a, "w01018", dt.date(2026, 11, 1) + dt.timedelta(days=n), kg=100.0)
        daily(w.point_b, "w01018", dt.date(2026, 11, 1) + dt.timedelta(days=n), kg=10.0)
    return w


def test_it_shows_the_park_load_page_to_park_wide_roles_only(data, as_user):
    w = data
    for user in (w.regulator, w.leader, w.officer, w.supervisor, w.inspector):
        page = as_user(user).get("/loads/")
        assert page.status_code == 200, user
        assert "甲化工有限公司" in page.content.decode()
    assert as_user(w.ent_a).get("/loads/").status_code == 404
    assert as_user(w.ent_a).get("/loads/capacity/").status_code == 404
    assert as_user(w.ent_a).get("/loads/rebound/").status_code == 200  # their own flags only (none)
    other = as_user(w.outsider).get("/loads/")  # their own park, not this one
    assert other.status_code == 200 and "甲化工有限公司" not in other.content.decode()
    assert as_user(w.outsider).get(f"/loads/?park={w.park.pk}").status_code == 404
    assert as_user(w.outsider).get(f"/loads/capacity/?park={w.park.pk}").status_code == 404


def test_it_shows_an_enterprise_its_own_loads_and_404_for_another(data, as_user):
    w = data
    own = as_user(w.ent_a).get(f"/loads/enterprises/{w.enterprise_a.pk}/")
    assert own.status_code == 200 and 'id="enterprise-loads"' in own.content.decode()
    assert as_user(w.ent_b).get(f"/loads/enterprises/{w.enterprise_a.pk}/").status_code == 404
    assert as_user(w.outsider).get(f"/loads/enterprises/{w.enterprise_a.pk}/").status_code == 404
    api = as_user(w.ent_b).get(f"/api/v1/loads?enterprise={w.enterprise_a.pk}")
    assert api.status_code == 404 and api.json() == {"error": "Not found."}


def test_it_serves_loads_in_the_api_by_enterprise_and_park(data, as_user):
    w = data
    mine = as_user(w.ent_a).get("/api/v1/loads").json()
    assert mine["park"] is None and [e["name"] for e in mine["results"]] == ["甲化工有限公司"]
    cod = next(p for p in mine["results"][0]["pollutants"] if p["code"] == "w01018")
    assert (cod["ytd_t"], cod["data_days"], cod["quota_t"]) == (pytest.approx(0.3), 3, 4.0)
    # 0.1 t/d × (26 days without data since 1 Nov + 32 days after 29 Nov)
    assert cod["projected_t"] == pytest.approx(0.3 + 0.1 * (26 + 32))
    assert (cod["share_projected"], cod["level"]) == (pytest.approx(1.525), "over")  # 6.1 of 4 t
    park = as_user(w.regulator).get("/api/v1/loads?pollutant=w01018&year=2026").json()
    assert park["count"] == 2
    (total,) = park["park"]
    assert total["ytd_t"] == pytest.approx(0.33) and total["quota_t"] == 6.0
    assert as_user(w.regulator).get("/api/v1/loads?year=2099").status_code == 404


def test_it_checks_the_fit_and_records_and_approves_a_project_in_the_browser_forms(data, as_user):
    w = data
    BaselineLoad.objects.create(enterprise=w.enterprise_b, pollutant_code="w01018", year=2024, load_t=Decimal("60"))
    from qingyuan.enterprises.models import Enterprise
    from qingyuan.loads import ledger

    Enterprise.objects.filter(pk=w.enterprise_b.pk).update(status="closed", status_since=dt.date(2025, 6, 1))
    ledger.sync_park(w.park.pk)
    client = as_user(w.regulator)
    check = client.get("/loads/capacity/?check=1&load_w01018=70").content.decode()
    assert 'id="fit-result"' in check and "-10" in check
    made = client.post("/loads/capacity/", {"name": "新项目", "applicant": "某公司", "load_w01018": "40"})
    assert made.status_code == 302
    project = NewProject.objects.get()
    assert client.post(f"/loads/projects/{project.pk}/approve/", {"note": "同意"}).status_code == 302
    project.refresh_from_db()
    assert project.status == "approved"
    too_big = actions.do_propose_project(w.park, acting_user=w.regulator, name="大项目", applicant="某公司",
                                         loads={"w01018": "30"})
    refused = client.post(f"/loads/projects/{too_big.pk}/approve/", {"note": ""})
    assert refused.status_code == 400 and "20" in refused.content.decode()
    assert as_user(w.ent_a).post(f"/loads/projects/{too_big.pk}/approve/").status_code == 404
    assert as_user(w.supervisor).post(f"/loads/projects/{too_big.pk}/approve/").status_code == 403


def test_it_plugs_the_loads_into_the_compliance_page(data, as_user):
    page = as_user(data.ent_a).get(f"/quality/enterprises/{data.enterprise_a.pk}/").content.decode()
    assert 'id="enterprise-loads"' in page and "loads/loads.js" in page


def test_it_keeps_the_park_page_query_count_flat(data, as_user):
    w = data
    client = as_user(w.regulator)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/loads/").status_code == 200
    for i in range(5):
        e = make_enterprise(w.park, f"丙{i}化工", 100 + i)
        point = make_point(e, f"CCCC00000000000000000{i:03d}")
        permit(e, {"w01018": "1"}, outlet=point.outlet)
        daily(point, "w01018", dt.date(2026, 11, 2), kg=5.0)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/loads/").status_code == 200
    assert len(many) == len(few)
