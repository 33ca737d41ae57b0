"""Stop-production declarations: evidence is required, the regulator reviews, other enterprises see nothing."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from qingyuan.core.models import Attachment, AuditEntry, Notification, TransitionRecord
from qingyuan.quality import actions
from qingyuan.quality.models import StopDeclaration

from .support import at, pdf

NOW = at("2026-03-03 10:00")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _declare(world, **overrides):
    args = {"acting_user": world.ent_a, "start": at("2026-03-02 16:00"), "end": at("2026-03-03 08:00"),
            "reason": "锅炉检修，全厂停产", "files": [pdf()]}
    args.update(overrides)
    return actions.do_submit_declaration(world.enterprise_a, **args)


def test_it_refuses_a_declaration_without_evidence(world, frozen):
    with pytest.raises(ValidationError) as info:
        _declare(world, files=[])
    assert "没有证据的申报不予受理" in info.value.message_dict["files"][0]
    assert not StopDeclaration.objects.exists()


def test_it_refuses_a_declaration_without_evidence_on_the_page(world, frozen, as_user, settings):
    settings.LANGUAGE_CODE = "en"
    response = as_user(world.ent_a).post("/quality/declarations/new/", {
        "enterprise": world.enterprise_a.pk, "start": "2026-03-02T16:00", "end": "2026-03-03T08:00",
        "reason": "检修"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "without evidence cannot be accepted" in response.content.decode()
    assert not StopDeclaration.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"end": at("2026-03-02 15:00")}, "end"),                     # ends before it starts
    ({"reason": " "}, "reason"),
    ({"start": at("2026-01-01 00:00"), "end": at("2026-01-31 00:00")}, "end"),  # filed after 10 February
])
def test_it_refuses_bad_periods_and_reasons(world, frozen, overrides, field):
    with pytest.raises(ValidationError) as info:
        _declare(world, **overrides)
    assert field in info.value.message_dict


def test_it_lets_only_the_enterprise_declare(world, frozen):
    with pytest.raises(PermissionDenied):
        _declare(world, acting_user=world.ent_b)
    with pytest.raises(PermissionDenied):
        _declare(world, acting_user=world.regulator)


def test_it_records_the_declaration_with_its_evidence_and_tells_the_reviewers(world, frozen):
    declaration = _declare(world)
    assert declaration.status == "submitted" and declaration.submitted_by_name == "甲企业环保员"
    assert Attachment.objects.get().owner_id == str(declaration.pk)
    assert AuditEntry.objects.filter(action="stop_declaration.submit", object_id=str(declaration.pk)).exists()


def test_it_lets_the_regulator_approve_or_reject(world, frozen, as_user, django_capture_on_commit_callbacks):
    declaration = _declare(world)
    response = as_user(world.ent_a).post(f"/quality/declarations/{declaration.pk}/act/approve/", {"reason": ""})
    assert response.status_code == 403  # the enterprise cannot approve its own declaration
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.officer).post(f"/quality/declarations/{declaration.pk}/act/approve/",
                                               {"reason": "现场核实"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == "approved" and declaration.reviewed_by_name == "环保局联络员"
    assert TransitionRecord.objects.get(workflow="stop_declaration").to_state == "approved"
    assert Notification.objects.filter(recipient=world.ent_a, kind="declaration.reviewed").exists()
    second = _declare(world, start=at("2026-03-03 09:00"), end=at("2026-03-03 12:00"))
    response = as_user(world.regulator).post(f"/quality/declarations/{second.pk}/act/reject/", {"reason": ""})
    assert response.status_code == 400  # a rejection needs a reason
    as_user(world.regulator).post(f"/quality/declarations/{second.pk}/act/reject/", {"reason": "证据不足"})
    second.refresh_from_db()
    assert second.status == "rejected" and second.review_note == "证据不足"


def test_it_hides_declarations_from_other_enterprises(world, frozen, as_user):
    declaration = _declare(world)
    evidence = Attachment.objects.get()
    b = as_user(world.ent_b)
    assert b.get(f"/quality/declarations/{declaration.pk}/").status_code == 404
    assert b.get(f"/quality/declarations/{declaration.pk}/evidence/{evidence.pk}/").status_code == 404
    assert b.post(f"/quality/declarations/{declaration.pk}/act/withdraw/", {"reason": "x"}).status_code == 404
    assert declaration.enterprise.name not in b.get("/quality/declarations/").content.decode()
    assert as_user(world.outsider).get(f"/quality/declarations/{declaration.pk}/").status_code == 404
    a = as_user(world.ent_a)
    assert a.get(f"/quality/declarations/{declaration.pk}/").status_code == 200
    assert a.get(f"/quality/declarations/{declaration.pk}/evidence/{evidence.pk}/").status_code == 200
