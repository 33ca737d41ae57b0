"""The quarantine list and its actions: register an unknown MN, take a device's new password, dismiss."""

import re

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.gateway.sink import Verdict
from qingyuan.ingest.process import process_packets
from qingyuan.monitoring.actions import password_seen
from qingyuan.monitoring.models import Quarantine, Reading

from .conftest import upload

UNKNOWN = "NEWDEVICE000000000000001"


class Unregistered:
    """Stands in for a point that does not exist yet: an MN and the password its logger sends."""

    mn, password, st = UNKNOWN, "654321", "32"


def quarantined(world):
    process_packets([upload(Unregistered, "20260101120000")])
    return Quarantine.objects.get(mn=UNKNOWN)


def register_data(world, **changes):
    data = {"park": world.park.pk, "outlet": world.enterprise_a.outlets.get().pk, "name": "甲化工二号排口",
            "password": "654321", "protocol_version": "2017", "st": "32"}
    data.update(changes)
    return data


def test_it_lists_the_quarantine_for_park_managers_only(world, as_user):
    entry = quarantined(world)

    response = as_user(world.regulator).get("/monitoring/quarantine/")

    assert response.status_code == 200
    assert UNKNOWN in response.content.decode() and "隔离区" in response.content.decode()
    assert entry.count == 1
    for reader in (world.supervisor, world.inspector, world.officer, world.township):
        assert as_user(reader).get("/monitoring/quarantine/").status_code == 404


def test_it_hides_the_quarantine_from_enterprise_users(world, as_user):
    entry = quarantined(world)

    assert as_user(world.ent_a).get("/monitoring/quarantine/").status_code == 404
    assert as_user(world.ent_a).get(f"/monitoring/quarantine/{entry.pk}/register/").status_code == 404
    assert as_user(world.ent_a).post(f"/monitoring/quarantine/{entry.pk}/register/",
                                     register_data(world)).status_code == 404
    assert not MonitoringPoint.objects.filter(mn=UNKNOWN).exists()


def test_it_refuses_registration_to_readers(world, as_user):
    entry = quarantined(world)

    response = as_user(world.supervisor).post(f"/monitoring/quarantine/{entry.pk}/register/", register_data(world))

    assert response.status_code == 404 and not MonitoringPoint.objects.filter(mn=UNKNOWN).exists()


def test_it_registers_an_unknown_mn_after_which_its_packets_are_accepted(world, as_user):
    entry = quarantined(world)
    client = as_user(world.regulator)
    assert client.get(f"/monitoring/quarantine/{entry.pk}/register/").status_code == 200

    response = client.post(f"/monitoring/quarantine/{entry.pk}/register/", register_data(world))

    point = MonitoringPoint.objects.get(mn=UNKNOWN)
    assert response.status_code == 302 and response["Location"] == f"/monitoring/points/{point.pk}/"
    assert (point.name, point.password, point.park, point.outlet.enterprise) == (
        "甲化工二号排口", "654321", world.park, world.enterprise_a)
    entry.refresh_from_db()
    assert entry.resolved and entry.point == point and entry.resolved_by == world.regulator
    audit = AuditEntry.objects.get(action="quarantine.register")
    assert audit.user == world.regulator and audit.after["point_id"] == point.pk
    assert AuditEntry.objects.filter(action="point.create", object_id=str(point.pk)).exists()

    outcomes = process_packets([upload(Unregistered, "20260101121000")])

    assert [o.verdict for o in outcomes] == [Verdict.STORED]
    assert Reading.objects.filter(point=point).count() == 2


def test_it_keeps_an_outlet_in_the_chosen_park(world, as_user):
    entry = quarantined(world)
    response = as_user(world.regulator).post(f"/monitoring/quarantine/{entry.pk}/register/",
                                             register_data(world, park=world.other_park.pk))

    assert response.status_code == 400 and not MonitoringPoint.objects.filter(mn=UNKNOWN).exists()


def test_it_does_not_register_a_wrong_password_entry(world, as_user):
    class WrongPassword:
        mn, password, st = world.point_a.mn, "000000", "32"

    process_packets([upload(WrongPassword, "20260101120000")])
    entry = Quarantine.objects.get(reason="wrong_pw")

    response = as_user(world.regulator).post(f"/monitoring/quarantine/{entry.pk}/register/", register_data(world))

    assert response.status_code == 302 and response["Location"] == "/monitoring/quarantine/"
    assert not Quarantine.objects.filter(resolved=True).exists()


class Reconfigured:
    """Point A's logger after a field re-configuration: same MN, a new password."""

    def __init__(self, world, password="777777"):
        self.mn, self.password, self.st = world.point_a.mn, password, "32"


def wrong_password_entry(world, password="777777"):
    outcomes = process_packets([upload(Reconfigured(world, password), "20260101120000")])
    assert [o.verdict for o in outcomes] == [Verdict.QUARANTINED]
    return Quarantine.objects.get(reason="wrong_pw", resolved=False)


def test_it_offers_the_actions_each_reason_allows_to_managers_only(world, as_user):
    wrong_pw = wrong_password_entry(world)
    unknown = quarantined(world)

    page = as_user(world.regulator).get("/monitoring/quarantine/").content.decode()

    assert f"/monitoring/quarantine/{wrong_pw.pk}/password/" in page
    assert f"/monitoring/quarantine/{wrong_pw.pk}/dismiss/" in page
    assert f"/monitoring/quarantine/{unknown.pk}/register/" in page
    assert f"/monitoring/quarantine/{unknown.pk}/password/" not in page
    assert "更新监测点密码" in page and world.point_a.name in page
    assert as_user(world.supervisor).get("/monitoring/quarantine/").status_code == 404


def seen_token(page):
    """The hidden token the confirmation page posts back (never the password itself)."""
    return re.search(r'name="seen" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_it_updates_the_points_password_to_the_devices_after_which_its_packets_are_accepted(world, as_user):
    entry = wrong_password_entry(world)
    client = as_user(world.regulator)
    page = client.get(f"/monitoring/quarantine/{entry.pk}/password/")
    assert page.status_code == 200 and "777777" not in page.content.decode()
    assert "设备使用的密码与登记的不一致" in page.content.decode()

    response = client.post(f"/monitoring/quarantine/{entry.pk}/password/",
                           {"seen": seen_token(page), "reason": "现场更换数采仪后重新配置了密码"})

    assert response.status_code == 302 and response["Location"] == "/monitoring/quarantine/"
    world.point_a.refresh_from_db()
    assert world.point_a.password == "777777"
    entry.refresh_from_db()
    assert (entry.resolved, entry.resolution, entry.resolution_note, entry.point, entry.resolved_by) == (
        True, "password_updated", "现场更换数采仪后重新配置了密码", world.point_a, world.regulator)
    audit = AuditEntry.objects.get(action="quarantine.update_password")
    assert audit.user == world.regulator and audit.message == "现场更换数采仪后重新配置了密码"
    assert audit.after["point_id"] == world.point_a.pk
    change = AuditEntry.objects.get(action="point.password", object_id=str(world.point_a.pk))
    assert (change.before, change.after) == ({"password": "******"}, {"password": "******"})
    handled = client.get("/monitoring/quarantine/").content.decode()
    assert "现场更换数采仪后重新配置了密码" in handled

    outcomes = process_packets([upload(Reconfigured(world), "20260101121000")])

    assert [o.verdict for o in outcomes] == [Verdict.STORED]


def test_it_changes_nothing_without_a_reason_or_when_the_device_sent_another_password_meanwhile(world, as_user):
    entry = wrong_password_entry(world)
    client = as_user(world.regulator)

    seen = seen_token(client.get(f"/monitoring/quarantine/{entry.pk}/password/"))

    no_reason = client.post(f"/monitoring/quarantine/{entry.pk}/password/", {"seen": seen, "reason": " "})
    wrong_pw_again = wrong_password_entry(world, "888888")  # the same open entry, now with the newer password
    stale = client.post(f"/monitoring/quarantine/{entry.pk}/password/", {"seen": seen, "reason": "改密码"})
    forged = client.post(f"/monitoring/quarantine/{entry.pk}/password/", {"seen": "", "reason": "改密码"})

    assert wrong_pw_again.pk == entry.pk
    assert no_reason.status_code == 400 and "此项必填" in no_reason.content.decode()
    assert stale.status_code == 400 and "设备又发送了另一个密码" in stale.content.decode()
    assert forged.status_code == 400 and "888888" not in forged.content.decode()
    world.point_a.refresh_from_db()
    entry.refresh_from_db()
    assert world.point_a.password == "123456" and not entry.resolved
    assert not AuditEntry.objects.filter(action__startswith="quarantine.").exists()


def test_it_dismisses_a_wrong_password_entry_keeping_it_and_refusing_the_device_still(world, as_user):
    entry = wrong_password_entry(world)

    response = as_user(world.leader).post(f"/monitoring/quarantine/{entry.pk}/dismiss/",
                                          {"reason": "不明设备冒用排口MN"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.resolved, entry.resolution, entry.resolution_note, entry.resolved_by) == (
        True, "dismissed", "不明设备冒用排口MN", world.leader)
    world.point_a.refresh_from_db()
    assert world.point_a.password == "123456"
    audit = AuditEntry.objects.get(action="quarantine.dismiss")
    assert audit.user == world.leader and audit.message == "不明设备冒用排口MN"

    outcomes = process_packets([upload(Reconfigured(world), "20260101121000")])

    assert [o.verdict for o in outcomes] == [Verdict.QUARANTINED]
    assert Quarantine.objects.filter(mn=world.point_a.mn).count() == 2  # the evidence stays, a new entry opens
    again = as_user(world.leader).post(f"/monitoring/quarantine/{entry.pk}/dismiss/", {"reason": "再次"})
    assert again.status_code == 302 and AuditEntry.objects.filter(action="quarantine.dismiss").count() == 1


def test_it_only_dismisses_an_inactive_point_entry(world, as_user):
    world.point_b.is_active = False
    world.point_b.save()
    process_packets([upload(world.point_b, "20260101120000")])
    entry = Quarantine.objects.get(reason="inactive")
    client = as_user(world.regulator)

    refused = client.post(f"/monitoring/quarantine/{entry.pk}/password/", {"password": "123456", "reason": "x"})
    dismissed = client.post(f"/monitoring/quarantine/{entry.pk}/dismiss/", {"reason": "排口已停用，设备未拆除"})

    assert refused.status_code == 302 and refused["Location"] == "/monitoring/quarantine/"
    assert dismissed.status_code == 302
    entry.refresh_from_db()
    assert entry.resolution == "dismissed" and entry.point == world.point_b
    assert not AuditEntry.objects.filter(action="quarantine.update_password").exists()


def test_it_refuses_the_quarantine_actions_to_readers_enterprises_and_other_parks(world, as_user):
    entry = wrong_password_entry(world)
    data = {"seen": password_seen(entry), "reason": "试图修改"}

    for path in ("password", "dismiss"):
        url = f"/monitoring/quarantine/{entry.pk}/{path}/"
        assert as_user(world.supervisor).post(url, data).status_code == 404
        assert as_user(world.ent_a).post(url, data).status_code == 404
        assert as_user(world.outsider).post(url, data).status_code == 404  # the MN is a point of another park
        assert as_user(None).post(url, data).status_code in (302, 404)

    entry.refresh_from_db()
    world.point_a.refresh_from_db()
    assert not entry.resolved and world.point_a.password == "123456"
    assert not AuditEntry.objects.filter(action__startswith="quarantine.").exists()
