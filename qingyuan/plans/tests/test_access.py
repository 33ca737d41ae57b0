"""Who sees which plan: pages, API, evidence downloads and the Word record all give 404 to outsiders."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.plans import actions
from qingyuan.plans.models import EnterprisePlan
from qingyuan.plans.tests.helpers import current_acceptance, reach, start_rectification

PDF = b"%PDF-1.7\n" + b"x" * 200


@pytest.fixture
def accepted(world, experts, plan):
    """Enterprise A's plan, accepted, with evidence on its first measure."""
    start_rectification(world)
    plan = reach("approved", world, plan, experts)
    evidence = actions.do_attach_evidence(plan.measures.order_by("order").first(),
                                          SimpleUploadedFile("验收照片.pdf", PDF), acting_user=world.ent_a)
    plan = reach("findings", world, plan, experts, start="approved")
    actions.do_decide_acceptance(current_acceptance(plan), acting_user=world.regulator, verdict="pass",
                                 conclusion="同意通过验收")
    return plan, evidence


def _urls(plan, evidence):
    acceptance = current_acceptance(plan)
    return [f"/plans/{plan.pk}/", f"/plans/{plan.pk}/review/", f"/plans/{plan.pk}/acceptance/",
            f"/plans/{plan.pk}/evidence/{evidence.pk}/",
            f"/plans/{plan.pk}/acceptance/{acceptance.pk}/record.docx", f"/api/v1/plans/{plan.pk}"]


READERS = ["regulator", "leader", "supervisor", "officer", "ent_a", "expert", "expert2", "admin"]
OUTSIDERS = ["ent_b", "township", "inspector", "outsider"]


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_it_shows_a_plan_only_to_those_it_concerns(world, experts, admin, accepted, as_user, persona):
    plan, evidence = accepted
    user = {"expert": experts[0], "expert2": experts[1], "admin": admin}.get(persona) or getattr(world, persona)
    client = as_user(user)
    for url in _urls(plan, evidence):
        response = client.get(url)
        if persona in READERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 404, url
            assert "甲化工" not in response.content.decode(errors="ignore")
    listed = client.get("/api/v1/plans").json()["results"]
    assert ([p["id"] for p in listed] == [plan.pk]) == (persona in READERS)


def test_it_sends_anonymous_users_to_the_login(world, accepted, client):
    plan, evidence = accepted
    assert client.get(f"/plans/{plan.pk}/").status_code == 302
    assert client.get(f"/api/v1/plans/{plan.pk}").status_code == 401


def test_it_shows_experts_only_the_plans_they_review(world, experts, plan, park_plan, today, as_user):
    import datetime as dt

    other = actions.do_create_plan(acting_user=world.ent_b, park_plan=park_plan, enterprise=world.enterprise_b,
                                   title="乙化工关停方案", outcome="close", start_date=today,
                                   deadline=today + dt.timedelta(days=100))
    reach("in_review", world, plan, experts)
    expert, _ = experts
    assert list(EnterprisePlan.objects.visible_to(expert)) == [plan]
    assert as_user(expert).get(f"/plans/{other.pk}/").status_code == 404
    page = as_user(expert).get("/plans/").content.decode()
    assert "甲化工一厂一策整治方案" in page and "乙化工关停方案" not in page


def test_it_shows_unit_officers_only_their_linked_enterprises_plans(world, plan, park_plan, today, as_user):
    import datetime as dt

    other = actions.do_create_plan(acting_user=world.ent_b, park_plan=park_plan, enterprise=world.enterprise_b,
                                   title="乙化工关停方案", outcome="close", start_date=today,
                                   deadline=today + dt.timedelta(days=100))
    assert list(EnterprisePlan.objects.visible_to(world.officer)) == [plan]
    assert list(EnterprisePlan.objects.visible_to(world.township)) == [other]
    assert as_user(world.officer).get(f"/plans/{other.pk}/").status_code == 404


def test_it_lets_readers_read_but_not_edit(world, plan, as_user):
    for persona in ("supervisor", "leader", "officer"):
        client = as_user(getattr(world, persona))
        page = client.get(f"/plans/{plan.pk}/").content.decode()
        assert "add-measure" not in page
        assert client.get(f"/plans/{plan.pk}/edit/").status_code == 403
        assert client.get(f"/plans/{plan.pk}/measures/new/").status_code == 403


def test_it_refuses_an_evidence_id_from_another_plan(world, experts, accepted, park_plan, today, as_user):
    import datetime as dt

    plan, evidence = accepted
    other = actions.do_create_plan(acting_user=world.ent_b, park_plan=park_plan, enterprise=world.enterprise_b,
                                   title="乙化工关停方案", outcome="close", start_date=today,
                                   deadline=today + dt.timedelta(days=100))
    assert as_user(world.ent_b).get(f"/plans/{other.pk}/evidence/{evidence.pk}/").status_code == 404
    response = as_user(world.ent_a).get(f"/plans/{plan.pk}/evidence/{evidence.pk}/")
    assert b"".join(response.streaming_content) == PDF and response["X-Content-Type-Options"] == "nosniff"


def test_it_shows_the_park_plan_to_park_wide_roles_only(world, park_plan, as_user):
    assert as_user(world.inspector).get(f"/plans/park/{park_plan.pk}/").status_code == 200
    assert as_user(world.ent_a).get(f"/plans/park/{park_plan.pk}/").status_code == 404
    assert as_user(world.outsider).get(f"/plans/park/{park_plan.pk}/").status_code == 404
    assert as_user(world.supervisor).get(f"/plans/park/{park_plan.pk}/edit/").status_code == 403
