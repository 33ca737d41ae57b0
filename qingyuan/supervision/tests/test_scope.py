"""Who sees which opinion, member and record: a unit only what is addressed to it, the group its own and
the group's, enterprise users and outsiders nothing (404)."""

from __future__ import annotations

import pytest

from qingyuan.supervision.tests.helpers import member, opinion, second_member


@pytest.fixture
def opinions(world):
    mine = opinion(world, member(world), subject="致环保局的意见")
    other = second_member(world)
    theirs = opinion(world, other, unit=world.township_unit, subject="致临江镇的意见")
    return mine, theirs


# persona → (sees mine (to the bureau), sees theirs (to the township))
EXPECTED = {
    "regulator": (True, True), "leader": (True, True), "supervisor": (True, True),
    "officer": (True, False), "township": (False, True),
    "ent_a": (False, False), "ent_b": (False, False), "inspector": (False, False), "outsider": (False, False),
}


@pytest.mark.parametrize(("persona", "expected"), EXPECTED.items())
def test_it_shows_each_opinion_only_to_those_who_may_see_it(world, opinions, as_user, persona, expected):
    client = as_user(getattr(world, persona))
    listing = client.get("/supervision/").content.decode()
    for o, sees in zip(opinions, expected, strict=True):
        assert client.get(f"/supervision/{o.pk}/").status_code == (200 if sees else 404), o.subject
        assert (o.subject in listing) == sees


def test_it_refuses_answers_and_ratings_from_outside_the_scope_with_404(world, opinions, as_user):
    mine, theirs = opinions
    for persona in ("ent_a", "outsider", "inspector"):
        client = as_user(getattr(world, persona))
        assert client.post(f"/supervision/{mine.pk}/answer/", {"answer": "x"}).status_code == 404
        assert client.post(f"/supervision/{mine.pk}/rate/", {"rating": "satisfied"}).status_code == 404
    # The township cannot answer the bureau's opinion (404), nor the member rate another member's.
    assert as_user(world.township).post(f"/supervision/{mine.pk}/answer/", {"answer": "x"}).status_code == 404
    mine.refresh_from_db()
    assert mine.status == "filed"


def test_it_keeps_members_and_the_record_to_the_office_and_the_group(world, opinions, as_user):
    for persona in ("regulator", "leader", "supervisor"):
        page = as_user(getattr(world, persona)).get("/supervision/members/")
        assert page.status_code == 200 and "李秀英" in page.content.decode()
        assert as_user(getattr(world, persona)).get("/supervision/record/").status_code == 200
    for persona in ("officer", "ent_a", "outsider"):
        assert "李秀英" not in as_user(getattr(world, persona)).get("/supervision/members/").content.decode()
        assert as_user(getattr(world, persona)).get("/supervision/report.docx").status_code == 404
    m = opinions[0].member
    assert as_user(world.regulator).get(f"/supervision/members/{m.pk}/").status_code == 200
    for persona in ("supervisor", "leader", "officer", "outsider"):
        assert as_user(getattr(world, persona)).get(f"/supervision/members/{m.pk}/").status_code == 404


def test_it_shows_the_menu_entry_to_the_group_and_the_office_only(world, as_user):
    for persona, shown in (("supervisor", True), ("regulator", True), ("leader", True), ("officer", False),
                           ("ent_a", False)):
        page = as_user(getattr(world, persona)).get("/").content.decode()
        assert ('href="/supervision/"' in page) == shown, persona


def test_it_lists_opinions_with_as_many_queries_for_six_as_for_one(world, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    m = member(world)
    opinion(world, m)
    client = as_user(world.supervisor)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/supervision/").status_code == 200
    for i in range(5):
        opinion(world, m, subject=f"意见{i}", unit=world.township_unit)
    with CaptureQueriesContext(connection) as six:
        page = client.get("/supervision/").content.decode()
    assert page.count("data-opinion=") == 6
    assert len(six.captured_queries) == len(one.captured_queries)
