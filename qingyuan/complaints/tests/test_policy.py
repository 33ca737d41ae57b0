"""The office sets the park's complaint deadlines, distances and category rules."""

import pytest

from qingyuan.complaints import deadlines
from qingyuan.complaints.models import CategoryRule, ComplaintPolicy
from qingyuan.complaints.tests.helpers import submit
from qingyuan.core import restdays
from qingyuan.core.models import AuditEntry


def form(world, **changes):
    data = {"policy-accept_days": 7, "policy-handle_days": 30, "policy-extension_days": 15,
            "policy-review_request_days": 30, "policy-review_answer_days": 30, "policy-nearest_radius_m": 800,
            "policy-duplicate_radius_m": 300, "policy-duplicate_hours": 48, "policy-max_distance_km": 20,
            "policy-auto_accept": "on", "policy-review_unit": "", "rules-noise": world.township_unit.pk}
    data.update(changes)
    return data


def test_it_saves_the_policy_and_rules_and_routes_by_them(world, as_user):
    response = as_user(world.regulator).post("/complaints/settings/", form(world))
    assert response.status_code == 302
    policy = ComplaintPolicy.objects.get(park=world.park)
    assert (policy.accept_days, policy.handle_days, policy.duplicate_hours) == (7, 30, 48)
    assert CategoryRule.objects.get(park=world.park, category="noise").unit == world.township_unit
    assert AuditEntry.objects.filter(action="complaint_policy.update", user=world.regulator).exists()
    assert AuditEntry.objects.filter(action="category_rule.set").count() == 1
    c = submit(world.park, category="noise", address="镇上")
    assert (c.handling_unit, c.routing_basis) == (world.township_unit, "rule")
    rest_days = restdays.calendar()  # the period's last day moves off a rest day (民法典 第二百零三条)
    assert c.accept_deadline == deadlines.period_end(c.received_on, 7, holidays=rest_days)
    assert c.handle_deadline == deadlines.period_end(c.accepted_on, 30, holidays=rest_days)
    as_user(world.regulator).post("/complaints/settings/", form(world, **{"rules-noise": ""}))
    assert not CategoryRule.objects.exists() and AuditEntry.objects.filter(action="category_rule.delete").exists()


def test_it_refuses_office_units_and_bad_values(world, as_user):
    response = as_user(world.regulator).post("/complaints/settings/", form(world, **{
        "rules-noise": world.office.pk, "policy-accept_days": 0}))
    assert response.status_code == 400
    assert not ComplaintPolicy.objects.exists() and not CategoryRule.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "township", "supervisor", "inspector", "ent_a", "outsider"])
def test_it_lets_only_the_office_change_settings(world, as_user, persona):
    client = as_user(getattr(world, persona))
    if persona == "outsider":  # the office of another park: its own park only
        assert client.get("/complaints/settings/").status_code == 200
        assert client.post(f"/complaints/settings/?park={world.park.pk}", form(world)).status_code in (302, 400)
        assert not ComplaintPolicy.objects.filter(park=world.park).exists()
        return
    assert client.get("/complaints/settings/").status_code == 403
    assert client.post("/complaints/settings/", form(world)).status_code == 403
    assert not ComplaintPolicy.objects.exists()
