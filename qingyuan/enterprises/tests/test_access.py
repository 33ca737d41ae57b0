"""Ownership: every enterprise page and endpoint answers 404 to those who may not see it."""

import pytest

from qingyuan.core.tokens import issue


def pages(e):
    return [f"/enterprises/{e.pk}/", f"/enterprises/{e.pk}/edit/"]


@pytest.mark.parametrize("url_of", [pages])
def test_it_hides_enterprise_a_from_enterprise_b(world, as_user, url_of):
    client = as_user(world.ent_b)
    for url in url_of(world.enterprise_a):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/enterprises/{world.enterprise_a.pk}/transition/",
                           {"transition": "suspend", "reason": "x", "effective_date": "2026-11-01"})
    assert response.status_code == 404
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.status == "operating"


def test_it_lists_only_the_users_own_enterprise(world, as_user):
    page = as_user(world.ent_b).get("/enterprises/").content.decode()
    assert "乙化工有限公司" in page and "甲化工有限公司" not in page
    export = as_user(world.ent_b).get("/enterprises/export.xlsx")
    assert export.status_code == 200 and "甲化工".encode() not in export.content


def test_it_hides_everything_from_another_parks_staff(world, as_user):
    client = as_user(world.outsider)
    assert client.get(f"/enterprises/{world.enterprise_a.pk}/").status_code == 404
    assert client.get(f"/units/{world.bureau.pk}/").status_code == 404
    assert "甲化工" not in client.get("/enterprises/").content.decode()


def test_it_sends_anonymous_users_to_login(world, as_user):
    for url in ["/", "/enterprises/", f"/enterprises/{world.enterprise_a.pk}/", "/units/", "/inbox/"]:
        response = as_user(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_it_hides_units_from_enterprise_users(world, as_user):
    assert as_user(world.ent_a).get(f"/units/{world.bureau.pk}/").status_code == 404
    assert "县环保局" not in as_user(world.ent_a).get("/units/").content.decode()


def test_it_lets_supervisors_read_but_not_edit(world, as_user):
    client = as_user(world.supervisor)
    assert client.get(f"/enterprises/{world.enterprise_a.pk}/").status_code == 200
    assert client.get(f"/enterprises/{world.enterprise_a.pk}/edit/").status_code == 403
    assert client.get("/enterprises/new/").status_code == 403
    assert client.get("/enterprises/import/").status_code == 403


def test_it_applies_the_same_rules_to_the_api(world, as_user):
    key, _ = issue(world.ent_b)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client = as_user(None)
    assert client.get(f"/api/v1/enterprises/{world.enterprise_a.pk}", **headers).json() == {"error": "Not found."}
    assert client.get(f"/api/v1/enterprises/{world.enterprise_b.pk}", **headers).status_code == 200
    names = [e["name"] for e in client.get("/api/v1/enterprises", **headers).json()["results"]]
    assert names == ["乙化工有限公司"]
    mns = [p["mn"] for p in client.get("/api/v1/points", **headers).json()["results"]]
    assert mns == [world.point_b.mn]
