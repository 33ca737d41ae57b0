"""Ownership: a unit never sees another unit's assignments, an enterprise only those about itself."""

import io

import pytest
from openpyxl import load_workbook

from qingyuan.core import attachments
from qingyuan.core.tokens import issue as issue_token
from qingyuan.tasks import actions
from qingyuan.tasks.tests.conftest import in_state, issue, png

SEES_ALL = ["regulator", "leader", "inspector", "supervisor"]


@pytest.fixture
def two(world):
    """One assignment to the bureau about enterprise A, one to the township about enterprise B."""
    bureau = issue(world, subject="环保局的交办单")
    town = issue(world, unit=world.township_unit, enterprise=world.enterprise_b, subject="临江镇的交办单")
    return bureau, town


def listed(client, url="/tasks/"):
    page = client.get(url).content.decode()
    return {name for name in ("环保局的交办单", "临江镇的交办单") if name in page}


@pytest.mark.parametrize(("persona", "expected"), [
    *[(p, {"环保局的交办单", "临江镇的交办单"}) for p in SEES_ALL],
    ("officer", {"环保局的交办单"}),
    ("township", {"临江镇的交办单"}),
    ("ent_a", {"环保局的交办单"}),
    ("ent_b", {"临江镇的交办单"}),
    ("outsider", set()),
])
def test_it_lists_what_each_persona_may_see(world, as_user, two, persona, expected):
    client = as_user(getattr(world, persona))
    assert listed(client) == expected
    export = client.get("/tasks/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == expected
    key, _ = issue_token(getattr(world, persona))
    api = as_user(None).get("/api/v1/assignments", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert {r["subject"] for r in api["results"]} == expected


@pytest.mark.parametrize("persona", ["township", "ent_b", "outsider", "expert"])
def test_it_answers_404_to_those_who_may_not_see_it(world, as_user, two, persona):
    bureau, _town = two
    if persona == "expert":
        from qingyuan.test import make_user

        user = make_user("expert", world.park, "expert")
    else:
        user = getattr(world, persona)
    client = as_user(user)
    actions.do_sign_assignment(bureau, acting_user=world.officer)
    report = actions.do_report_progress(bureau, acting_user=world.officer, percent=10, text="进展", files=[png()])
    file = attachments.for_owner(report).get()
    for url in [f"/tasks/{bureau.pk}/", f"/tasks/{bureau.pk}/do/report_progress/", f"/tasks/files/{file.pk}/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/tasks/{bureau.pk}/do/withdraw/", {"reason": "x"}).status_code == 404
    key, _ = issue_token(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert as_user(None).get(f"/api/v1/assignments/{bureau.pk}", **headers).json() == {"error": "Not found."}
    response = as_user(None).post(f"/api/v1/assignments/{bureau.pk}/transitions", {"action": "withdraw", "reason": "x"},
                                  content_type="application/json", **headers)
    assert response.status_code == 404
    bureau.refresh_from_db()
    assert bureau.status == "in_progress"


def test_attachments_download_only_for_those_who_see_the_assignment(world, as_user):
    a = issue(world, files=[png("交办附件.png")])
    file = attachments.for_owner(a).get()
    for persona in ("regulator", "officer", "ent_a", "supervisor"):
        response = as_user(getattr(world, persona)).get(f"/tasks/files/{file.pk}/")
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    for persona in ("township", "ent_b", "outsider"):
        assert as_user(getattr(world, persona)).get(f"/tasks/files/{file.pk}/").status_code == 404, persona
    # an attachment of something else (an enterprise) is not served here even to the office
    other = attachments.store(world.enterprise_a, png(), uploaded_by=world.regulator,
                              kind=attachments.validate_upload(png()))
    assert as_user(world.regulator).get(f"/tasks/files/{other.pk}/").status_code == 404


def test_a_unit_sees_what_it_issued(world, as_user):
    from qingyuan.org.choices import Role
    from qingyuan.org.models import Membership

    Membership.objects.create(user=world.township, park=world.park, unit=world.office, role=Role.OFFICE_STAFF)
    world.township._qingyuan_actor = None
    a = issue(world, by=world.township)
    Membership.objects.filter(user=world.township, role=Role.OFFICE_STAFF).delete()
    assert as_user(world.township).get(f"/tasks/{a.pk}/").status_code == 200


def test_readers_may_not_act_or_issue(world, as_user):
    a = in_state(world, "submitted")
    for persona in ("supervisor", "inspector", "ent_a", "officer"):
        client = as_user(getattr(world, persona))
        assert client.get("/tasks/new/").status_code == 403
        assert client.get("/tasks/policy/").status_code == 403
        assert client.get("/tasks/checks/new/").status_code == 403
        client.post(f"/tasks/{a.pk}/do/accept/", {"reason": ""})
    a.refresh_from_db()
    assert a.status == "submitted"


def test_anonymous_users_go_to_login(world, as_user, assignment):
    for url in ["/tasks/", f"/tasks/{assignment.pk}/", "/tasks/listed/", "/tasks/checks/"]:
        response = as_user(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert as_user(None).get("/api/v1/assignments").status_code == 401
