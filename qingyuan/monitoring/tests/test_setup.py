"""First-connection setup (HJ 212-2017 §6.7): queued once when a logger first connects, shown with its answers."""

from __future__ import annotations

import time

from qingyuan.core.models import AuditEntry
from qingyuan.ingest.process import process_packets
from qingyuan.ingest.sink import DjangoSink
from qingyuan.monitoring import actions
from qingyuan.monitoring.models import DeviceCommand, DeviceSetup

from .conftest import upload

SETUP_CNS = ["1012", "1000", "1062", "1064", "2011", "2021"]


def connect(point, connection_id: int) -> None:
    """What the gateway reports when a logger's first packet is stored on a connection."""
    sink = DjangoSink()
    sink.session_opened(connection_id, "10.0.0.8:40000", time.time())
    sink.session_mn(connection_id, point.mn, time.time())


def setup_commands(point) -> list[DeviceCommand]:
    return list(DeviceCommand.objects.filter(point=point, setup=True).order_by("id"))


def test_it_queues_the_setup_once_on_the_first_connection_with_the_points_intervals(world):
    world.point_a.rtd_interval_s, world.point_a.min_interval_min = 120, 5
    world.point_a.save()

    connect(world.point_a, 101)

    commands = setup_commands(world.point_a)
    assert [c.cn for c in commands] == SETUP_CNS
    assert [c.params for c in commands] == [{}, {"over_time": 10, "re_count": 3}, {"seconds": 120}, {"minutes": 5},
                                            {}, {}]
    assert len({c.qn for c in commands}) == 6 and all(c.status == "queued" for c in commands)
    setup = DeviceSetup.objects.get(point=world.point_a)
    assert setup.queued_at is not None and setup.connection_id == 101
    frames = [data for _c, data in actions.claim_commands([world.point_a.mn], 100)]
    assert [f.split(b";CN=")[1][:4].decode() for f in frames] == SETUP_CNS
    assert b"CP=&&OverTime=10;ReCount=3&&" in frames[1] and b"CP=&&RtdInterval=120&&" in frames[2]
    assert b"CP=&&MinInterval=5&&" in frames[3] and b"CP=&&&&" in frames[5]

    connect(world.point_a, 101)  # the same connection reported again
    connect(world.point_a, 102)  # a reconnect
    assert len(setup_commands(world.point_a)) == 6
    assert not DeviceCommand.objects.filter(point=world.point_b).exists()


def test_it_shows_the_setup_commands_with_the_devices_answers_on_the_device_page(world, as_user):
    connect(world.point_a, 101)
    commands = setup_commands(world.point_a)
    actions.claim_commands([world.point_a.mn], 100)
    answers = []
    for c in commands:
        answers.append(upload(world.point_a, "", cn="9011", qn=c.qn, cp="QnRtn=1"))
        if c.cn not in ("2011", "2021"):
            answers.append(upload(world.point_a, "", cn="9012", qn=c.qn, cp="ExeRtn=1"))
    process_packets(answers)

    page = as_user(world.regulator).get(f"/monitoring/points/{world.point_a.pk}/").content.decode()

    assert {c.status for c in DeviceCommand.objects.filter(setup=True)} == {"done"}
    assert "首次连接设置" in page and "设置超时时间与重发次数" in page and "启动设施状态数据" in page
    assert page.count("9011 QnRtn=1") == 6 and page.count("9012 ExeRtn=1") == 4
    assert "CN 2021" in page


def test_it_records_a_value_the_standard_refuses_as_a_failed_setup_command(world):
    world.point_a.min_interval_min = 7
    world.point_a.save()

    connect(world.point_a, 101)

    failed = DeviceCommand.objects.get(point=world.point_a, cn="1064")
    assert failed.status == "failed" and "MinInterval must be one of" in failed.error
    assert [cn for _c, cn in [(c, c.cn) for c, _d in actions.claim_commands([world.point_a.mn], 100)]] == [
        "1012", "1000", "1062", "2011", "2021"]


def test_it_sends_no_setup_to_2005_loggers_or_when_switched_off(world, as_user):
    world.point_b.protocol_version = "2005"
    world.point_b.save()
    response = as_user(world.regulator).post(f"/monitoring/points/{world.point_a.pk}/setup/",
                                             {"over_time_s": "20", "re_count": "5"})  # enabled unchecked

    connect(world.point_a, 101)
    connect(world.point_b, 102)

    assert response.status_code == 302
    assert not DeviceCommand.objects.exists()
    setup = DeviceSetup.objects.get(point=world.point_a)
    assert (setup.enabled, setup.over_time_s, setup.re_count, setup.queued_at) == (False, 20, 5, None)
    audit = AuditEntry.objects.get(action="device_setup.update")
    assert audit.user == world.regulator and audit.after == {"enabled": False, "over_time_s": 20, "re_count": 5}


def test_it_sends_the_setup_again_after_a_reset(world, as_user):
    connect(world.point_a, 101)
    client = as_user(world.leader)

    response = client.post(f"/monitoring/points/{world.point_a.pk}/setup/", {"reset": "1"}, HTTP_HX_REQUEST="true")
    connect(world.point_a, 102)  # the same connection's later packets would not; a new one does

    assert response.status_code == 200 and "设备下次连接时" in response.content.decode()
    assert len(setup_commands(world.point_a)) == 12
    assert DeviceSetup.objects.get(point=world.point_a).connection_id == 102
    assert AuditEntry.objects.filter(action="device_setup.reset", user=world.leader).count() == 1


def test_it_refuses_bad_values_and_changes_nothing(world, as_user):
    response = as_user(world.regulator).post(f"/monitoring/points/{world.point_a.pk}/setup/",
                                             {"enabled": "on", "over_time_s": "100", "re_count": "0"},
                                             HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert not DeviceSetup.objects.exists() and not AuditEntry.objects.filter(action__startswith="device_setup").exists()


def test_it_lets_only_the_parks_managers_change_the_setup(world, as_user):
    url = f"/monitoring/points/{world.point_a.pk}/setup/"
    data = {"reset": "1"}

    assert as_user(world.supervisor).post(url, data).status_code == 403
    assert as_user(world.ent_a).post(url, data).status_code == 403
    assert as_user(world.ent_b).post(url, data).status_code == 404
    assert as_user(world.outsider).post(url, data).status_code == 404
    assert as_user(world.ent_a).get(url).status_code == 200  # enterprise users see their point's setup
    assert not AuditEntry.objects.filter(action__startswith="device_setup").exists()
