"""Ownership: who sees which patrol on every page and endpoint; everyone else gets 404."""

import pytest

from qingyuan.core import attachments
from qingyuan.inspections.tests.helpers import photo, record

SECRET = "内部备注：疑似夜间偷排。"


@pytest.fixture
def patrols(world):
    a = record(world, world.enterprise_a, photos=[photo("甲.png")], notes="甲企业巡查情况")
    b = record(world, world.enterprise_b, photos=[photo("乙.png")], notes="乙企业巡查情况")
    return a, b


def pages(patrol):
    pic = attachments.for_owner(patrol).get()
    e = patrol.enterprise_id
    return [f"/inspections/{patrol.pk}/", f"/inspections/{patrol.pk}/photos/{pic.pk}/",
            f"/inspections/enterprise/{e}/", f"/api/v1/patrols/{patrol.pk}"]


def test_it_shows_an_enterprise_user_only_their_own_patrols_without_internal_notes(world, patrols, as_user):
    a, b = patrols
    client = as_user(world.ent_a)
    for url in pages(a):
        assert client.get(url).status_code == 200, url
    for url in pages(b):
        assert client.get(url).status_code == 404, url
    detail = client.get(f"/inspections/{a.pk}/").content.decode()
    assert "甲企业巡查情况" in detail and SECRET not in detail
    listing = client.get("/inspections/").content.decode()
    assert "甲化工有限公司" in listing and "乙化工有限公司" not in listing
    body = client.get("/api/v1/patrols").json()
    assert [r["id"] for r in body["results"]] == [a.pk] and body["results"][0]["internal_notes"] is None
    assert as_user(world.ent_b).get(f"/inspections/{a.pk}/").status_code == 404


def test_it_shows_a_unit_officer_only_the_patrols_of_linked_enterprises(world, patrols, as_user):
    a, b = patrols
    township, officer = as_user(world.township), as_user(world.officer)
    for url in pages(a):
        assert township.get(url).status_code == 404, url
        assert officer.get(url).status_code == 200, url
    for url in pages(b):
        assert township.get(url).status_code == 200, url
        assert officer.get(url).status_code == 404, url
    assert SECRET not in officer.get(f"/inspections/{a.pk}/").content.decode()
    listing = township.get("/inspections/").content.decode()
    assert "乙化工有限公司" in listing and "甲化工有限公司" not in listing
    assert [r["enterprise"]["id"] for r in township.get("/api/v1/patrols").json()["results"]] == [b.enterprise_id]


def test_it_shows_park_readers_every_patrol_with_internal_notes(world, patrols, as_user):
    for user in (world.regulator, world.leader, world.supervisor, world.inspector):
        client = as_user(user)
        for patrol in patrols:
            for url in pages(patrol):
                assert client.get(url).status_code == 200, (user, url)
        assert SECRET in client.get(f"/inspections/{patrols[0].pk}/").content.decode()
        assert client.get("/api/v1/patrols").json()["count"] == 2


def test_it_hides_everything_from_another_parks_staff(world, patrols, as_user):
    client = as_user(world.outsider)
    for patrol in patrols:
        for url in pages(patrol):
            assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/patrols").json()["count"] == 0
    assert "甲化工有限公司" not in client.get("/inspections/").content.decode()
    assert "甲化工有限公司" not in client.get("/inspections/map/").content.decode()
    assert "甲化工有限公司" not in client.get("/inspections/plans/").content.decode()


def test_it_does_not_serve_a_photo_through_another_patrol(world, patrols, as_user):
    a, b = patrols
    pic_a = attachments.for_owner(a).get()
    assert as_user(world.regulator).get(f"/inspections/{b.pk}/photos/{pic_a.pk}/").status_code == 404


def test_it_sends_anonymous_visitors_to_the_login_page(world, patrols, client):
    a, _ = patrols
    for url in pages(a)[:3] + ["/inspections/", "/inspections/plans/", "/inspections/draws/", "/inspections/map/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert client.get("/api/v1/patrols").status_code == 401


def test_it_keeps_plans_and_live_data_from_enterprises_and_units(world, patrols, as_user):
    for user in (world.ent_a, world.officer, world.township):
        client = as_user(user)
        assert client.get("/inspections/plans/").status_code == 404, user
        assert client.get(f"/inspections/enterprise/{world.enterprise_a.pk}/live/").status_code == 404, user
        assert "下次巡查日期" not in client.get(f"/inspections/enterprise/{world.enterprise_a.pk}/").content.decode()
    assert as_user(world.inspector).get(f"/inspections/enterprise/{world.enterprise_a.pk}/live/").status_code == 200
