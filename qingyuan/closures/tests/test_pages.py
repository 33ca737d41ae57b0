"""The closure pages: opening from the enterprise page, the list and its export, recording and verifying
from a phone, scope (404 outside it), and the enterprise page's manual close refused."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.utils import timezone

from qingyuan.closures.choices import CaseStatus, StepKind
from qingyuan.closures.models import ClosureCase
from qingyuan.closures.tests.helpers import daily, open_case, patrol_at, photo
from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.choices import EnterpriseStatus


def _today():
    return timezone.localdate()


def test_it_opens_a_case_from_the_form_and_shows_a_bad_deadline(world, as_user):
    client = as_user(world.regulator)
    url = f"/closures/new/{world.enterprise_b.pk}/"
    data = {"kind": "closure", "decision_number": "青政关〔2026〕9号", "decision_date": _today().isoformat(),
            "basis": "obsolete_capacity", "deadline": (_today() - dt.timedelta(days=3)).isoformat(),
            "responsible_unit": world.bureau.pk}
    bad = client.post(url, data)
    assert bad.status_code == 400 and 'class="text-danger small"' in bad.content.decode()
    assert not ClosureCase.objects.exists()
    data["deadline"] = (_today() + dt.timedelta(days=30)).isoformat()
    ok = client.post(url, data)
    case = ClosureCase.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/closures/{case.pk}/"
    assert AuditEntry.objects.filter(action="closures.open", user=world.regulator).exists()
    page = client.get(f"/enterprises/{world.enterprise_b.pk}/").content.decode()
    assert f'href="/closures/{case.pk}/"' in page


def test_it_hides_the_open_form_from_readers_and_cases_from_other_enterprises(world, as_user):
    case = open_case(world)
    assert as_user(world.inspector).get(f"/closures/new/{world.enterprise_b.pk}/").status_code == 404
    assert as_user(world.ent_a).get(f"/closures/{case.pk}/").status_code == 404
    assert as_user(world.outsider).get(f"/closures/{case.pk}/").status_code == 404
    assert as_user(world.ent_b).get(f"/closures/{case.pk}/").status_code == 200
    assert as_user(world.ent_b).get(f"/closures/{case.pk}/steps/production_stopped/").status_code == 404


def test_it_lists_and_exports_the_filtered_cases(world, as_user):
    case = open_case(world)
    client = as_user(world.leader)
    page = client.get("/closures/?kind=closure").content.decode()
    assert world.enterprise_b.name in page
    assert world.enterprise_b.name not in client.get("/closures/?kind=relocation").content.decode()
    response = client.get("/closures/export.xlsx?kind=closure")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[0] == world.enterprise_b.name and row[2] == case.decision_number for row in values)
    assert not any(world.enterprise_b.name == (row[0] or "") for row in
                   [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(
                       as_user(world.ent_a).get("/closures/export.xlsx").content)).active.iter_rows()])


def test_it_lets_an_inspector_verify_the_stop_with_a_photo_and_shows_the_silent_data(world, as_user):
    case = open_case(world)
    stop = _today() - dt.timedelta(days=10)
    daily(world.point_b, stop - dt.timedelta(days=1), "w00000", 88.0)
    client = as_user(world.regulator)
    r = client.post(f"/closures/{case.pk}/steps/production_stopped/", {"done_on": stop.isoformat(),
                                                                        "evidence": "全厂停产，反应釜清空"})
    assert r.status_code == 302
    patrol = patrol_at(world, stop)
    inspector = as_user(world.inspector)
    refused = inspector.post(f"/closures/{case.pk}/steps/production_stopped/verify/", {"patrol": patrol.pk})
    assert refused.status_code == 400 and case.steps.get().verified_at is None
    ok = inspector.post(f"/closures/{case.pk}/steps/production_stopped/verify/",
                        {"patrol": patrol.pk, "photos": [photo()], "note": "现场核查"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.STOPPED
    page = client.get(f"/closures/{case.pk}/").content.decode()
    assert "stop-proof" in page and world.point_b.mn in page
    assert f"/closures/{case.pk}/photos/" in page


def test_it_refuses_a_manual_close_on_the_enterprise_page_and_points_to_the_case(world, as_user):
    client = as_user(world.regulator)
    page = client.get(f"/enterprises/{world.enterprise_b.pk}/").content.decode()
    assert 'id="transition-close"' not in page and 'id="open-closure"' in page
    r = client.post(f"/enterprises/{world.enterprise_b.pk}/transition/",
                    {"transition": "close", "reason": "关停", "effective_date": _today().isoformat()}, follow=True)
    world.enterprise_b.refresh_from_db()
    assert world.enterprise_b.status == EnterpriseStatus.OPERATING
    assert f"/closures/new/{world.enterprise_b.pk}/" in r.content.decode()


def test_it_refuses_a_step_of_another_kind_of_case(world, as_user):
    case = open_case(world)
    assert as_user(world.regulator).get(f"/closures/{case.pk}/steps/{StepKind.NEW_SITE_RECORDED}/").status_code == 404
