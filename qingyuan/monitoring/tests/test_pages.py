"""The monitoring pages: what each persona sees, what they may do, and at what cost."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from django.utils.html import escape

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.hj212 import mask_password
from qingyuan.monitoring.models import DeviceCommand, DeviceState, InvalidFrameCount, RawPacket
from qingyuan.monitoring.queries import today
from qingyuan.test import make_enterprise, make_point


def now_local_time(hours_ago: float = 1) -> str:
    moment = timezone.localtime(timezone.now() - dt.timedelta(hours=hours_ago))
    return moment.replace(second=0, minute=moment.minute // 10 * 10).strftime("%Y%m%d%H%M%S")


def text(response) -> str:
    return response.content.decode()


def test_it_shows_device_status_with_online_offline_last_packet_and_rejects(world, as_user, store):
    store(world.point_a, now_local_time())
    DeviceState.objects.create(point=world.point_b, online=False, last_seen=timezone.now() - dt.timedelta(hours=3))
    InvalidFrameCount.objects.create(day=today(), reason="bad_crc", mn=world.point_a.mn, count=4)

    response = as_user(world.regulator).get("/monitoring/")

    assert response.status_code == 200
    page = text(response)
    assert world.point_a.name in page and world.point_b.name in page
    assert "设备状态" in page and "在线" in page and "离线" in page
    assert "CRC校验失败 4" in page and "bad_crc" not in page  # the reason's label, in the row and the summary
    assert page.count("CRC校验失败 4") == 2
    assert response["Vary"].count("HX-Request") == 1


def test_it_shows_rejection_reasons_by_label_on_the_point_page(world, as_user):
    InvalidFrameCount.objects.create(day=today(), reason="truncated", mn=world.point_a.mn, count=2)
    InvalidFrameCount.objects.create(day=today(), reason="some_new_code", mn=world.point_a.mn, count=1)

    response = as_user(world.regulator).get(f"/monitoring/points/{world.point_a.pk}/")

    assert response.status_code == 200
    page = text(response)
    assert "数据包不完整 2" in page and "truncated" not in page
    assert "some_new_code 1" in page  # a code without a label is shown as it is, not hidden


def test_it_shows_an_enterprise_user_only_its_own_points(world, as_user):
    response = as_user(world.ent_a).get("/monitoring/")

    assert response.status_code == 200
    assert world.point_a.mn in text(response) and world.point_b.mn not in text(response)


def test_it_keeps_the_status_list_query_count_independent_of_the_number_of_points(
        world, as_user, django_assert_max_num_queries):
    client = as_user(world.regulator)
    client.get("/monitoring/")  # warm the session and translations
    with django_assert_max_num_queries(12) as few:
        client.get("/monitoring/")
    for n in range(40):
        enterprise = make_enterprise(world.park, f"丙化工{n}", 100 + n)
        point = make_point(enterprise, f"CCCC{n:020d}")
        DeviceState.objects.create(point=point, online=bool(n % 2), last_seen=timezone.now())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/monitoring/")
    assert "丙化工39" in text(response)


def test_it_filters_the_status_list_by_state(world, as_user):
    DeviceState.objects.create(point=world.point_a, online=True, last_seen=timezone.now())

    response = as_user(world.regulator).get("/monitoring/?status=online", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert world.point_a.mn in text(response) and world.point_b.mn not in text(response)
    assert "<html" not in text(response)  # the partial only


def test_it_shows_a_point_with_its_latest_data(world, as_user, store):
    store(world.point_a, now_local_time())

    response = as_user(world.ent_a).get(f"/monitoring/points/{world.point_a.pk}/")

    assert response.status_code == 200
    assert "化学需氧量" in text(response) and "40.5" in text(response)
    assert 'id="point-charts"' in text(response)


def test_it_serves_chart_data_for_24_hours_and_7_days(world, as_user, store):
    store(world.point_a, now_local_time(2))
    store(world.point_a, now_local_time(1))
    store(world.point_a, now_local_time(30), cn="2061")
    client = as_user(world.regulator)

    day = client.get(f"/monitoring/points/{world.point_a.pk}/chart.json?range=24h").json()
    week = client.get(f"/monitoring/points/{world.point_a.pk}/chart.json?range=7d").json()

    cod = next(s for s in day["series"] if s["code"] == "w01018")
    assert cod["name"] == "化学需氧量" and cod["unit"] == "mg/L" and len(cod["points"]) == 2
    assert [p[1] for p in cod["points"]] == [40.5, 40.5]
    assert {s["code"] for s in week["series"]} == {"w01018", "w21003"} and week["kind"] == "hour"
    assert client.get(f"/monitoring/points/{world.point_a.pk}/chart.json?range=1y").status_code == 400


def test_it_bounds_the_chart_queries(world, as_user, store, django_assert_max_num_queries):
    for hours in range(1, 20):
        store(world.point_a, now_local_time(hours))
    client = as_user(world.regulator)
    client.get(f"/monitoring/points/{world.point_a.pk}/chart.json")
    with django_assert_max_num_queries(6):
        client.get(f"/monitoring/points/{world.point_a.pk}/chart.json")


@pytest.mark.parametrize("path", [
    "/monitoring/points/{pk}/", "/monitoring/points/{pk}/packets/", "/monitoring/points/{pk}/chart.json",
    "/monitoring/points/{pk}/commands/", "/monitoring/packets/{packet}/",
])
def test_it_hides_another_enterprises_point_packets_and_chart(world, as_user, store, path):
    store(world.point_a, now_local_time())
    url = path.format(pk=world.point_a.pk, packet=RawPacket.objects.get().pk)

    assert as_user(world.ent_b).get(url).status_code == 404
    assert as_user(world.outsider).get(url).status_code == 404
    assert as_user(world.ent_a).get(url).status_code == 200
    assert as_user(None).get(url).status_code == 302


def test_it_shows_raw_packets_with_their_parsed_view(world, as_user, store):
    store(world.point_a, now_local_time(), qn="20260101120000555")
    packet = RawPacket.objects.get()
    client = as_user(world.regulator)

    listing = client.get(f"/monitoring/points/{world.point_a.pk}/packets/")
    parsed = client.get(f"/monitoring/packets/{packet.pk}/", HTTP_HX_REQUEST="true")

    assert listing.status_code == 200 and "20260101120000555" in text(listing)
    assert parsed.status_code == 200
    assert escape(mask_password(packet.text.strip())) in text(parsed) and "PW=******" in text(parsed)
    assert "化学需氧量" in text(parsed) and "w01018" in text(parsed) and "40.5" in text(parsed)


def test_it_queues_a_command_for_a_park_manager_and_audits_it(world, as_user):
    client = as_user(world.regulator)

    response = client.post(f"/monitoring/points/{world.point_a.pk}/commands/",
                           {"kind": "set_rtd_interval", "seconds": "120"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    command = DeviceCommand.objects.get()
    assert (command.point, command.kind, command.params, command.cn, command.status) == (
        world.point_a, "set_rtd_interval", {"seconds": 120}, "1062", "queued")
    assert len(command.qn) == 17
    entry = AuditEntry.objects.get(action="device_command.queue")
    assert entry.user == world.regulator and entry.after["qn"] == command.qn
    assert "设置实时数据间隔" in text(response) or command.get_kind_display() in text(response)


def test_it_refuses_a_bad_interval(world, as_user):
    response = as_user(world.regulator).post(f"/monitoring/points/{world.point_a.pk}/commands/",
                                             {"kind": "set_rtd_interval", "seconds": "5"})

    assert response.status_code == 400 and not DeviceCommand.objects.exists()


def test_it_refuses_commands_to_enterprise_users_and_readers(world, as_user):
    url = f"/monitoring/points/{world.point_a.pk}/commands/"
    data = {"kind": "start_realtime"}

    assert as_user(world.ent_a).post(url, data).status_code == 403
    assert as_user(world.supervisor).post(url, data).status_code == 403
    assert as_user(world.ent_b).post(url, data).status_code == 404
    assert not DeviceCommand.objects.exists() and not AuditEntry.objects.filter(action="device_command.queue").exists()


def test_it_shows_the_devices_answers_to_a_command(world, as_user):
    DeviceCommand.objects.create(point=world.point_a, kind="set_time", cn="1012", qn="20260101120000999",
                                 status="done", qn_rtn="1", exe_rtn="1")

    response = as_user(world.regulator).get(f"/monitoring/points/{world.point_a.pk}/commands/")

    assert "QnRtn=1" in text(response) and "ExeRtn=1" in text(response)


def test_it_redirects_the_anonymous_to_login(db, as_user):
    response = as_user(None).get("/monitoring/")

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_lists_the_json_error_shape(world, as_user):
    response = as_user(world.regulator).get(f"/monitoring/points/{world.point_a.pk}/chart.json?range=x")

    assert json.loads(response.content) == {"error": "range must be 24h or 7d"}


def test_it_counts_packets_today_on_the_status_page(world, as_user, store):
    store(world.point_a, now_local_time(1))
    store(world.point_a, now_local_time(2))

    assert DeviceState.objects.get(point=world.point_a).packets_today == 2
    assert MonitoringPoint.objects.count() == 2
