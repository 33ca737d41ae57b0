"""The tracking code is shown only to those who work the case (the office, leaders, the handling unit):
the accused enterprise and the park's readers see the complaint's reference instead, everywhere."""

import io

import pytest
from openpyxl import load_workbook

from qingyuan.complaints.tests.helpers import handled_and_replied, submit
from qingyuan.core.models import AuditEntry, Notification

HIDDEN = ("ent_a", "inspector", "supervisor")
SHOWN = ("regulator", "leader", "officer")


@pytest.fixture
def case(world):
    c = submit(world.park, enterprise=world.enterprise_a, phone="13900001111")
    return handled_and_replied(world, c)


def _bodies(client, c):
    """Every staff page, partial, API answer and export that lists or shows the complaint."""
    pages = [client.get("/complaints/"), client.get("/complaints/", HTTP_HX_REQUEST="true"),
             client.get(f"/complaints/{c.pk}/"), client.get("/api/v1/complaints"),
             client.get(f"/api/v1/complaints/{c.pk}"), client.get("/work/"),
             client.get(f"/tasks/{c.assignment_id}/"), client.get("/tasks/")]
    assert all(p.status_code == 200 for p in pages), [p.status_code for p in pages]
    texts = [p.content.decode() for p in pages]
    sheet = load_workbook(io.BytesIO(client.get("/complaints/export.xlsx").content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    return texts, cells


@pytest.mark.parametrize("persona", HIDDEN)
def test_it_hides_the_tracking_code_from_the_enterprise_and_read_only_staff(world, case, as_user, persona):
    client = as_user(getattr(world, persona))
    texts, cells = _bodies(client, case)
    assert all(case.code not in text for text in texts)
    assert case.code not in cells and case.reference in cells  # the export names it by its reference
    assert f">{case.reference}</" in texts[0]  # the board row links the reference
    assert client.get(f"/api/v1/complaints/{case.pk}").json()["code"] is None
    assert client.get("/complaints/", {"q": case.code}).content.decode().count(f"/complaints/{case.pk}/") == 0


@pytest.mark.parametrize("persona", SHOWN)
def test_it_shows_the_tracking_code_to_those_who_work_the_case(world, case, as_user, persona):
    client = as_user(getattr(world, persona))
    assert case.code in client.get(f"/complaints/{case.pk}/").content.decode()
    assert client.get(f"/api/v1/complaints/{case.pk}").json()["code"] == case.code
    assert f"/complaints/{case.pk}/" in client.get("/complaints/", {"q": case.code.lower()}).content.decode()


def test_it_keeps_the_code_out_of_what_the_enterprise_and_readers_are_sent(world, case):
    assert case.code not in case.assignment.subject and case.code not in case.assignment.source_label
    assert not AuditEntry.objects.filter(object_repr__contains=case.code).exists()
    readers = [world.ent_a, world.inspector, world.supervisor]
    assert not Notification.objects.filter(recipient__in=readers, title__contains=case.code).exists()
    assert not Notification.objects.filter(recipient__in=readers, body__contains=case.code).exists()
