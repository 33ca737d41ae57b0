"""Section pages and /api/v1/sections: visible to every member of the park, 404 elsewhere; flat queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.sections.actions import do_create_section, do_record_sample
from qingyuan.sections.models import Sample

pytestmark = pytest.mark.django_db


def _samples(world, section, n=3):
    for i in range(n):
        do_record_sample(section, acting_user=world.regulator, date=dt.date(2026, 8 + i, 5),
                         values=[("codcr", str(16 + 4 * i), ""), ("nh3n", "0.6", "")])


def test_it_shows_sections_to_every_member_of_the_park_and_hides_them_from_others(world, outbound, as_user):
    _samples(world, outbound)
    for user in (world.regulator, world.ent_a, world.ent_b, world.supervisor, world.officer):
        page = as_user(user).get("/sections/")
        assert page.status_code == 200 and "青溪河出境断面" in page.content.decode()
        assert as_user(user).get(f"/sections/{outbound.pk}/").status_code == 200
    assert "青溪河出境断面" not in as_user(world.outsider).get("/sections/").content.decode()
    assert as_user(world.outsider).get(f"/sections/{outbound.pk}/").status_code == 404
    assert as_user(None).get("/sections/").status_code == 302


def test_it_shows_the_class_month_by_month_and_the_compliance_rate(world, outbound, as_user):
    _samples(world, outbound)  # Aug COD 16 (III), Sep 20 (III), Oct 24 (IV)
    body = as_user(world.regulator).get(f"/sections/{outbound.pk}/").content.decode()
    assert 'data-month="2026-10"' in body and "Ⅳ类" in body
    assert "67%" in body  # 2 of 3 months in 2026
    assert 'id="section-chart"' in body
    assert "化学需氧量" in body and "codcr" not in body  # the worst item by name, not its key
    listing = as_user(world.regulator).get("/sections/").content.decode()
    assert "化学需氧量" in listing and "codcr" not in listing


def test_it_records_a_sample_from_the_form_and_refuses_an_impossible_one(world, outbound, as_user):
    client = as_user(world.inspector)
    assert client.get(f"/sections/{outbound.pk}/samples/new/").status_code == 200
    bad = client.post(f"/sections/{outbound.pk}/samples/new/", {"date": "2026-11-02", "value_ph": "15",
                                                                 "value_codcr": "18", "unit_codcr": "mg/L"})
    assert bad.status_code == 422 and "14" in bad.content.decode()
    assert not Sample.objects.exists()
    good = client.post(f"/sections/{outbound.pk}/samples/new/", {"date": "2026-11-02", "value_ph": "7.2",
                                                                  "value_codcr": "18", "unit_codcr": "mg/L"})
    assert good.status_code == 302
    assert Sample.objects.get().values.count() == 2
    assert as_user(world.ent_a).get(f"/sections/{outbound.pk}/samples/new/").status_code == 403


def test_it_lists_sections_with_latest_and_monthly_classes_in_the_api(world, outbound, as_user):
    _samples(world, outbound)
    data = as_user(world.ent_b).get("/api/v1/sections?months=6").json()
    assert data["count"] == 1
    s = data["results"][0]
    assert (s["name"], s["target_class"], s["latest"]["cls"], s["latest"]["compliant"]) == (
        "青溪河出境断面", "III", "IV", False)
    assert [(m["month"], m["cls"]) for m in s["months"]] == [("2026-08-01", "III"), ("2026-09-01", "III"),
                                                             ("2026-10-01", "IV")]
    assert s["years"] == [{"year": 2026, "compliance_rate": pytest.approx(2 / 3), "months": 3,
                           "compliant_months": 2}]
    assert as_user(world.outsider).get("/api/v1/sections").json()["count"] == 0
    assert as_user(None).get("/api/v1/sections").status_code == 401


def test_it_keeps_the_list_query_count_flat(world, outbound, inbound, as_user):
    client = as_user(world.regulator)
    _samples(world, outbound)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/sections/").status_code == 200
    for i in range(4):
        extra = do_create_section(world.park, acting_user=world.regulator, name=f"支流断面{i}", kind="in_park",
                                  river="支流", target_class="III")
        _samples(world, extra)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/sections/").status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as api_many:
        assert client.get("/api/v1/sections").status_code == 200
    assert len(api_many) <= len(few) + 3
