"""The office is offered "route to another unit" only when the action would be allowed: the unit returned the
complaint (or its assignment). The page asks the workflow (``COMPLAINTS.possible``), which asks the guard the
action itself checks."""

from qingyuan.complaints import actions
from qingyuan.complaints.tests.helpers import submit
from qingyuan.complaints.workflow import COMPLAINTS, OFFICE
from qingyuan.tasks import actions as tasks


def _offers_reroute(client, c) -> bool:
    return f"/complaints/{c.pk}/act/reroute/" in client.get(f"/complaints/{c.pk}/").content.decode()


def test_it_hides_reroute_while_the_unit_handles_the_complaint(placed, as_user):
    c = submit(placed.park, enterprise=placed.enterprise_a)
    c.refresh_from_db()
    assert c.status == "accepted" and c.assignment.status == "issued"
    office = as_user(placed.regulator)
    assert not _offers_reroute(office, c)
    assert "reroute" not in {t.name for t in COMPLAINTS.possible(c, {OFFICE})}
    response = office.post(f"/complaints/{c.pk}/act/reroute/", {"unit": placed.township_unit.pk, "reason": "x"})
    c.refresh_from_db()
    assert response.status_code in (302, 400, 409) and c.handling_unit != placed.township_unit


def test_it_offers_reroute_once_the_unit_returned_it(placed, as_user):
    c = submit(placed.park, enterprise=placed.enterprise_a)
    actions.do_return_complaint(c, acting_user=placed.officer, reason="是镇里的事", suggested_unit=placed.township_unit)
    c.refresh_from_db()
    assert _offers_reroute(as_user(placed.regulator), c)
    assert not _offers_reroute(as_user(placed.officer), c)  # the unit may not route it itself


def test_it_offers_reroute_when_the_unit_returned_the_assignment_from_its_page(placed, as_user):
    c = submit(placed.park, enterprise=placed.enterprise_a)
    c.refresh_from_db()
    tasks.do_return_assignment(c.assignment, acting_user=placed.officer, reason="不属本局职责",
                               suggested_unit=placed.township_unit)
    c.refresh_from_db()
    assert c.status == "accepted" and c.assignment.status == "returned"
    assert _offers_reroute(as_user(placed.regulator), c)
