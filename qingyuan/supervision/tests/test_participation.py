"""Members join patrols and acceptance inspections by invitation or on request; they sign the record, and the
patrol and acceptance pages show it."""

from __future__ import annotations

import pytest

from qingyuan.core.models import AuditEntry, Notification
from qingyuan.inspections.tests.helpers import record
from qingyuan.plans.tests.conftest import experts, park_plan, plan, today  # noqa: F401  (fixtures)
from qingyuan.plans.tests.helpers import current_acceptance, reach
from qingyuan.supervision.models import Participation
from qingyuan.supervision.tests.helpers import member


def test_it_invites_a_member_to_a_patrol_who_accepts_and_signs(world, as_user):
    m = member(world, name="监督员")
    patrol = record(world, world.enterprise_a)
    page = f"/inspections/{patrol.pk}/"
    assert 'id="invite-form"' in as_user(world.regulator).get(page).content.decode()
    assert 'id="invite-form"' not in as_user(world.supervisor).get(page).content.decode()
    # Only the office invites.
    assert as_user(world.supervisor).post("/supervision/participation/invite/",
                                          {"patrol": patrol.pk, "member": m.pk}).status_code == 404
    response = as_user(world.regulator).post("/supervision/participation/invite/",
                                             {"patrol": patrol.pk, "member": m.pk, "note": "请参加"})
    assert response.status_code == 302 and response["Location"] == page
    p = Participation.objects.get()
    assert (p.member, p.patrol, p.status) == (m, patrol, "invited")
    assert AuditEntry.objects.filter(action="participation.invited", object_id=str(p.pk)).count() == 1
    assert Notification.objects.filter(recipient=world.supervisor, kind="participation.invited").count() == 1
    assert "participation" in [i.kind for i in _work(world.supervisor)]
    # The enterprise sees the record, not the invitation.
    assert "监督员" not in as_user(world.ent_a).get(page).content.decode()
    # The member accepts, then signs with their typed name (a wrong name is refused).
    as_user(world.supervisor).post(f"/supervision/participation/{p.pk}/accept/")
    p.refresh_from_db()
    assert p.status == "confirmed"
    as_user(world.supervisor).post(f"/supervision/participation/{p.pk}/sign/", {"signature_name": "别人"})
    p.refresh_from_db()
    assert p.signed_at is None
    as_user(world.regulator).post(f"/supervision/participation/{p.pk}/sign/", {"signature_name": "监督员"})
    p.refresh_from_db()
    assert p.signed_at is None  # only the member signs
    as_user(world.supervisor).post(f"/supervision/participation/{p.pk}/sign/", {"signature_name": "监督员"})
    p.refresh_from_db()
    assert p.signature_name == "监督员" and p.signed_at is not None
    entry = AuditEntry.objects.get(action="participation.sign")
    assert entry.after["signature_name"] == "监督员" and entry.related_id == str(patrol.pk)
    html = as_user(world.ent_a).get(page).content.decode()
    assert 'class="fw-semibold signature-name">监督员<' in html


def _work(user):
    from qingyuan.supervision.services import work_items

    return work_items(user)


def test_it_lets_a_member_ask_to_join_an_acceptance_and_the_office_decide(world, experts, plan, as_user):  # noqa: F811
    m = member(world)
    plan = reach("acceptance", world, plan, experts)
    acceptance = current_acceptance(plan)
    page = f"/plans/{plan.pk}/acceptance/"
    assert 'id="ask-form"' in as_user(world.supervisor).get(page).content.decode()
    response = as_user(world.supervisor).post("/supervision/participation/ask/", {"acceptance": acceptance.pk})
    assert response.status_code == 302 and response["Location"] == page
    p = Participation.objects.get()
    assert (p.acceptance, p.status, p.member) == (acceptance, "requested", m)
    assert Notification.objects.filter(recipient=world.regulator, kind="participation.requested").count() == 1
    # The member cannot approve their own request; the office can.
    as_user(world.supervisor).post(f"/supervision/participation/{p.pk}/approve/")
    p.refresh_from_db()
    assert p.status == "requested"
    as_user(world.regulator).post(f"/supervision/participation/{p.pk}/approve/")
    p.refresh_from_db()
    assert p.status == "confirmed"
    assert Notification.objects.filter(recipient=world.supervisor, kind="participation.decided").count() == 1
    assert 'data-status="confirmed"' in as_user(world.regulator).get(page).content.decode()
    # Asking twice is refused with a message, nothing added.
    as_user(world.supervisor).post("/supervision/participation/ask/", {"acceptance": acceptance.pk})
    assert Participation.objects.count() == 1


@pytest.mark.parametrize("persona", ["ent_b", "outsider"])
def test_it_refuses_invitations_to_inspections_out_of_sight(world, as_user, persona):
    m = member(world)
    patrol = record(world, world.enterprise_a)
    response = as_user(getattr(world, persona)).post("/supervision/participation/invite/",
                                                     {"patrol": patrol.pk, "member": m.pk})
    assert response.status_code == 404 and not Participation.objects.exists()
