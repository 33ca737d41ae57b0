"""The quarantine list and its one action: registering an unknown MN as a monitoring point."""

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.gateway.sink import Verdict
from qingyuan.ingest.process import process_packets
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


def test_it_lists_the_quarantine_for_park_staff(world, as_user):
    entry = quarantined(world)

    response = as_user(world.supervisor).get("/monitoring/quarantine/")

    assert response.status_code == 200
    assert UNKNOWN in response.content.decode() and "隔离区" in response.content.decode()
    assert entry.count == 1


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

    assert response.status_code == 403 and not MonitoringPoint.objects.filter(mn=UNKNOWN).exists()


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
