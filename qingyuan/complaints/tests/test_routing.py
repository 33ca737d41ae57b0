"""Routing: the enterprise named, the nearest enterprise, the office's category rules, the office;
"not ours" goes back to the office with the responsible unit suggested."""

import pytest
from django.core.exceptions import ValidationError

from qingyuan.complaints import actions, routing
from qingyuan.complaints.models import CategoryRule, ComplaintPolicy
from qingyuan.complaints.tests.helpers import register, submit
from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.core.workflow import TransitionError
from qingyuan.tasks.models import Assignment


def test_it_routes_to_the_linked_unit_of_the_enterprise_named(placed):
    c = submit(placed.park, enterprise=placed.enterprise_b)
    assert (c.status, c.handling_unit, c.routing_basis, c.township) == (
        "accepted", placed.township_unit, "enterprise", placed.township_unit)
    assert c.assignment.assignee_unit == placed.township_unit and c.assignment.enterprise == placed.enterprise_b
    assert TransitionRecord.objects.get(transition="accept").user is None  # the system accepted it
    assert AuditEntry.objects.filter(action="complaint.accept").count() == 1
    assert AuditEntry.objects.filter(action="assignment.issue").count() == 1


def test_it_routes_by_place_to_the_nearest_enterprise_within_the_radius(placed):
    near_b = submit(placed.park, longitude="116.4195", latitude="27.8302", address="")
    assert (near_b.handling_unit, near_b.routing_basis) == (placed.township_unit, "place")
    near_a = submit(placed.park, category="noise", longitude="116.4055", latitude="27.8300", address="")
    assert (near_a.handling_unit, near_a.routing_basis) == (placed.bureau, "place")
    route = routing.route(placed.park, category="odour", longitude=116.4125, latitude=27.84)
    assert route.is_triage  # 1 km from both, beyond the 1,000 m default radius
    ComplaintPolicy.objects.create(park=placed.park, nearest_radius_m=2000)
    assert routing.route(placed.park, category="odour", longitude=116.4125, latitude=27.84).basis == "place"


def test_it_ignores_closed_enterprises_when_routing_by_place(placed):
    placed.enterprise_b.status = "closed"
    placed.enterprise_b.save()
    route = routing.route(placed.park, category="odour", longitude=116.4195, latitude=27.8302)
    assert route.is_triage


def test_it_routes_by_the_offices_category_rule(placed):
    CategoryRule.objects.create(park=placed.park, category="noise", unit=placed.township_unit)
    c = submit(placed.park, category="noise", address="镇上")
    assert (c.status, c.handling_unit, c.routing_basis) == ("accepted", placed.township_unit, "rule")
    other = submit(placed.park, category="smoke_dust", address="镇上")
    assert (other.status, other.handling_unit, other.routing_basis) == ("received", None, "triage")


def test_it_waits_for_the_office_when_automatic_acceptance_is_off(placed):
    ComplaintPolicy.objects.create(park=placed.park, auto_accept=False)
    c = submit(placed.park, enterprise=placed.enterprise_a)
    assert (c.status, c.suggested_unit, c.routing_basis) == ("received", placed.bureau, "enterprise")
    actions.do_accept_complaint(c, unit=placed.bureau, acting_user=placed.regulator)
    c.refresh_from_db()
    assert (c.status, c.handling_unit, c.routing_basis) == ("accepted", placed.bureau, "enterprise")
    assert TransitionRecord.objects.get(transition="accept").user == placed.regulator


def test_it_accepts_only_to_member_units_and_only_by_the_office(placed):
    c = submit(placed.park, address="不明")
    with pytest.raises(ValidationError):
        actions.do_accept_complaint(c, unit=placed.office, acting_user=placed.regulator)
    with pytest.raises(TransitionError):
        actions.do_accept_complaint(c, unit=placed.bureau, acting_user=placed.officer)
    with pytest.raises(TransitionError):
        actions.do_accept_complaint(c, unit=placed.bureau, acting_user=placed.supervisor)
    c.refresh_from_db()
    assert c.status == "received" and not Assignment.objects.exists()


def test_it_returns_a_complaint_that_is_not_ours_and_the_office_reroutes_it(placed, django_capture_on_commit_callbacks):
    c = submit(placed.park, enterprise=placed.enterprise_a)
    with pytest.raises(ValidationError):  # the unit must name who is responsible
        actions.do_return_complaint(c, acting_user=placed.officer, reason="噪声不归我局", suggested_unit=None)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_return_complaint(c, acting_user=placed.officer, reason="是镇里的事", suggested_unit=placed.township_unit)
    c.refresh_from_db()
    assert (c.status, c.suggested_unit) == ("returned", placed.township_unit)
    assert c.assignment.status == "returned" and c.assignment.suggested_unit == placed.township_unit
    assert placed.regulator.notifications.filter(kind="complaint.returned").exists()
    record = TransitionRecord.objects.get(transition="return", workflow="complaint")
    assert record.reason == "是镇里的事" and record.data["suggested_unit_id"] == placed.township_unit.pk
    deadline = c.handle_deadline
    actions.do_reroute_complaint(c, acting_user=placed.regulator, unit=placed.township_unit, reason="转临江镇办理")
    c.refresh_from_db()
    assert (c.status, c.handling_unit, c.routing_basis, c.handle_deadline) == (
        "accepted", placed.township_unit, "manual", deadline)  # the legal clock keeps running
    assert c.assignment.status == "issued" and c.assignment.assignee_unit == placed.township_unit
    assert Assignment.objects.count() == 1


def test_it_lets_only_the_handling_unit_return_and_only_the_office_reroute(placed):
    c = submit(placed.park, enterprise=placed.enterprise_a)
    with pytest.raises(TransitionError):
        actions.do_return_complaint(c, acting_user=placed.township, reason="x", suggested_unit=placed.township_unit)
    actions.do_return_complaint(c, acting_user=placed.officer, reason="x", suggested_unit=placed.township_unit)
    with pytest.raises(TransitionError):
        actions.do_reroute_complaint(c, acting_user=placed.officer, unit=placed.township_unit, reason="x")


def test_it_registers_a_hotline_call_and_a_petition_with_their_clocks(world):
    call = register(world, enterprise=world.enterprise_a)
    petition = register(world, case_type="petition", channel="letter", category="other",
                        description="反映园区企业占地补偿问题", township=world.township_unit)
    assert (call.channel, call.status, call.created_by) == ("hotline", "accepted", world.regulator)
    assert (petition.case_type, petition.status, petition.township) == ("petition", "received", world.township_unit)
    assert AuditEntry.objects.get(action="complaint.register", object_id=str(petition.pk)).user == world.regulator
    with pytest.raises(Exception) as refused:
        register(world.__class__(**{**world.__dict__, "regulator": world.officer}))
    assert refused.type.__name__ == "PermissionDenied"
