"""The phone patrol form: a complete patrol is stored with its checklist, photos, position and findings;
bad input is refused with Chinese messages and nothing is written."""

import datetime as dt
import json
import re
import uuid

from django.utils import timezone

from qingyuan.core.models import Attachment, AuditEntry, Notification
from qingyuan.core.tests import photos
from qingyuan.inspections.models import Finding, Patrol, PatrolPlan
from qingyuan.inspections.tests.helpers import PNG, big_file, form_data, photo, second_inspector


def url(enterprise, draw_item=None):
    return f"/inspections/new/?enterprise={enterprise.pk}" + (f"&draw_item={draw_item.pk}" if draw_item else "")


def test_it_shows_the_form_with_the_checklist_and_live_data(world, as_user):
    response = as_user(world.inspector).get(url(world.enterprise_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "废水处理设施运行" in page or "废水处理设施正常运行" in page
    assert 'name="item-hazardous_waste"' in page and 'name="photos"' in page
    assert world.point_a.name in page  # the live monitoring panel lists the enterprise's points


def test_it_records_a_patrol_with_checklist_photos_gps_and_findings(world, as_user,
                                                                    django_capture_on_commit_callbacks):
    inspector2 = second_inspector(world)
    data = form_data(world.enterprise_a, **{
        "item-hazardous_waste": "problem", "note-hazardous_waste": "两桶废溶剂露天堆放",
        "findings-0-text": "危废露天堆放，未入库。", "findings-0-severity": "serious",
        "findings-0-checklist_item": "hazardous_waste", "findings-1-text": "  ", "co_inspectors": [inspector2.pk],
        "photos": [photo("a.png"), photo("b.jpg", photos.jpeg(), "image/jpeg")],
    })
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.inspector).post(url(world.enterprise_a), data)
    patrol = Patrol.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{patrol.pk}/"
    assert patrol.enterprise == world.enterprise_a and patrol.recorded_by == world.inspector
    assert str(patrol.latitude) == "27.835100" and patrol.gps_accuracy_m == 12
    assert patrol.checklist["hazardous_waste"] == {"answer": "problem", "note": "两桶废溶剂露天堆放"}
    assert set(patrol.inspectors.all()) == {world.inspector, inspector2}
    finding = Finding.objects.get()
    assert finding.text == "危废露天堆放，未入库。" and finding.severity == "serious" and finding.status == "open"
    stored = Attachment.objects.filter(owner_id=str(patrol.pk)).order_by("id")
    assert [a.mime for a in stored] == ["image/png", "image/jpeg"] and 0 < stored[0].size < len(PNG) * 2
    entry = AuditEntry.objects.get(action="patrol.create")
    assert entry.user == world.inspector and entry.after["findings"] == ["危废露天堆放，未入库。"]
    assert entry.after["photos"] == [a.pk for a in stored]
    plan = PatrolPlan.objects.get(enterprise=world.enterprise_a)
    assert plan.last_patrol_on == timezone.localtime(patrol.started_at).date()
    assert plan.next_due == plan.last_patrol_on + dt.timedelta(days=plan.interval_days)
    assert Notification.objects.filter(recipient=world.ent_a, kind="patrol.findings").exists()
    assert Notification.objects.filter(recipient=world.officer, kind="patrol.findings").exists()


def test_it_answers_the_offline_script_in_json_and_records_a_resent_form_once(world, as_user):
    client = as_user(world.inspector)
    form_id = str(uuid.uuid4())
    data = form_data(world.enterprise_a, client_id=form_id)
    first = client.post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    again = client.post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    patrol = Patrol.objects.get()
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json() == {"ok": True, "id": patrol.pk, "url": f"/inspections/{patrol.pk}/"}
    assert str(patrol.client_id) == form_id
    assert AuditEntry.objects.filter(action="patrol.create").count() == 1


def _refused(response, client_errors_key, text):
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert any(text in m for m in body["errors"][client_errors_key]), body["errors"]
    assert not Patrol.objects.exists() and not Finding.objects.exists() and not Attachment.objects.exists()
    assert not AuditEntry.objects.filter(action="patrol.create").exists()


def test_it_refuses_a_file_that_is_not_an_image(world, as_user):
    data = form_data(world.enterprise_a, photos=[photo("报告.pdf", b"%PDF-1.4 fake", "application/pdf")])
    response = as_user(world.inspector).post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    _refused(response, "photos", "不是允许的文件类型")


def test_it_refuses_a_script_disguised_as_a_photo(world, as_user):
    data = form_data(world.enterprise_a, photos=[photo("x.png", b"<script>alert(1)</script>", "image/png")])
    response = as_user(world.inspector).post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    _refused(response, "photos", "不是允许的文件类型")


def test_it_refuses_a_photo_it_cannot_read(world, as_user):
    data = form_data(world.enterprise_a, photos=[photo("坏图.jpg", photos.jpeg()[:700], "image/jpeg")])
    response = as_user(world.inspector).post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    _refused(response, "photos", "无法作为图片读取")


def test_it_refuses_an_oversized_photo(world, as_user):
    data = form_data(world.enterprise_a, photos=[big_file(9 * 1024 * 1024)])
    response = as_user(world.inspector).post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    _refused(response, "photos", "超过 8 MB 的上限")


def test_it_refuses_absurd_coordinates(world, as_user):
    client = as_user(world.inspector)
    for lat, lon, text in [("95", "116.4", "纬度必须在"), ("abc", "116.4", "不是数字"), ("27.8", "", "同时填写"),
                           ("nan", "116.4", "不是数字")]:
        data = form_data(world.enterprise_a, latitude=lat, longitude=lon)
        response = client.post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
        _refused(response, "latitude", text)


def test_it_refuses_a_position_far_from_the_park(world, as_user):
    world.park.latitude, world.park.longitude = "27.835", "116.412"
    world.park.save()
    data = form_data(world.enterprise_a, latitude="39.9042", longitude="116.4074")  # Beijing
    response = as_user(world.inspector).post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    _refused(response, "latitude", "公里")


def test_it_refuses_answers_for_unknown_checklist_items_and_missing_answers(world, as_user):
    data = form_data(world.enterprise_a, **{"item-secret_room": "ok"})
    del data["item-records"]
    response = as_user(world.inspector).post(url(world.enterprise_a), data, HTTP_ACCEPT="application/json")
    _refused(response, "checklist", "secret_room")
    assert "item-records" in response.json()["errors"]


def test_it_shows_the_errors_on_the_page_without_javascript(world, as_user):
    data = form_data(world.enterprise_a, latitude="95", **{"findings-0-text": "<script>alert('x')</script>"})
    response = as_user(world.inspector).post(url(world.enterprise_a), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "纬度必须在" in page
    assert "<script>alert('x')</script>" not in page and "&lt;script&gt;" in page
    assert not Patrol.objects.exists()


def test_it_refuses_patrols_from_users_who_are_not_inspectors(world, as_user):
    for user in (world.regulator, world.officer, world.supervisor):
        assert as_user(user).post(url(world.enterprise_a), form_data(world.enterprise_a)).status_code == 403
    for user in (world.ent_b, world.outsider):
        assert as_user(user).get(url(world.enterprise_a)).status_code == 404
    assert not Patrol.objects.exists()


def test_it_keeps_the_offline_messages_for_the_script(world, as_user):
    page = as_user(world.inspector).get(url(world.enterprise_a)).content.decode()
    found = re.search(r'<script id="patrol-messages" type="application/json">(.*?)</script>', page, re.S)
    messages = json.loads(found.group(1))
    assert "恢复" in messages["offline"] and "%s" in messages["restored"]
