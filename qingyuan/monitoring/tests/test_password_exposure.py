"""A device password (HJ 212 ``PW=``) reaches no page, partial, export, API, audit entry or log line.

Point A's password is a distinctive string; its raw packets, a wrong-password
entry (the device's new password contains the old one), an unregistered MN
sending it and a bad-CRC frame carrying it are stored the way the gateway
stores them. Every URL that can show a frame or a quarantine entry is taken
from the urlconf and opened as each persona (page, HTMX partial, the POSTs
that re-render a form); exports are unzipped. The password may appear only
where the point's monitoring is managed: the point's edit page (the admin's,
for an administrator).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import time
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.gateway.batcher import store_batch
from qingyuan.gateway.forward import log as forward_log
from qingyuan.gateway.protocol import RefusalLog
from qingyuan.gateway.sink import InvalidReceived, Outcome, Verdict
from qingyuan.hj212 import NEED_DATA, Decoder, InvalidFrame, build_packet
from qingyuan.ingest.process import process_packets
from qingyuan.ingest.sink import DjangoSink
from qingyuan.ingest.sink import log as ingest_log
from qingyuan.monitoring.evidence_blocks import compact_packets, entries_of
from qingyuan.monitoring.models import InvalidFrameSample, PacketBlock, Quarantine, RawPacket

from .conftest import upload

SECRET = "Zx9-secret-pw"
DEVICE_SECRET = SECRET + "-2"  # the re-configured device's password: finding SECRET finds it too
UNKNOWN = "NEWDEVICE000000000000009"
PERSONAS = ("regulator", "leader", "officer", "township", "ent_a", "ent_b", "inspector", "supervisor",
            "outsider", "anonymous")
# Routes that cannot be GET as a page, or that end the session the sweep uses.
NOT_PAGES = {"logout", "set_language", "inbox_read_all", "create_token"}
# The raw-frame pages and who reads them (the monitoring evidence roles); the others get 404 (302: log in).
FRAME_READERS = {"regulator", "leader", "officer", "ent_a"}
QUARANTINE_READERS = {"regulator", "leader", "outsider"}  # park managers; the outsider only sees unknown MNs
# A new route whose path or name says it may show a frame must be given parameters below.
FRAMEY = re.compile(r"packet|quarantine|frame|\braw|point|monitoring|live|compliance", re.IGNORECASE)


class Device:
    def __init__(self, mn, password, st="32"):
        self.mn, self.password, self.st = mn, password, st


def bad_crc_frame(point):
    good = build_packet(st="32", cn="2051", pw=SECRET, mn=point.mn, qn="20260101123000001", flag=5,
                        cp="DataTime=20260101123000;w01018-Avg=41.0")
    return good[:-6] + b"0000\r\n"


@pytest.fixture
def evidence(world):
    point = world.point_a
    point.password = SECRET
    point.save(update_fields=["password"])
    outcomes = process_packets([
        upload(point, "20260101120000"),
        upload(point, "20260101121000", cn="2011", cp="DataTime=20260101121000;w01018-Rtd=40.1"),
        upload(point, "20260101122000", cp="DataTime=notatime;w01018-Avg=1"),  # rejected, kept as evidence
        upload(Device(point.mn, DEVICE_SECRET), "20260101122000"),
        upload(Device(UNKNOWN, SECRET), "20260101122000"),
    ])
    assert [o.verdict for o in outcomes] == [Verdict.STORED, Verdict.STORED, Verdict.REJECTED,
                                             Verdict.QUARANTINED, Verdict.QUARANTINED]
    decoder = Decoder()
    decoder.receive_data(bad_crc_frame(point))
    event = decoder.next_event()
    assert isinstance(event, InvalidFrame)
    DjangoSink().record_invalid([InvalidReceived(event.reason.value, event.detail, event.data, "10.0.0.8:40000",
                                                 time.time(), 1)])
    admin = get_user_model().objects.create_superuser("admin", password="x")
    assert SECRET in InvalidFrameSample.objects.get().data  # the evidence itself stays intact
    assert all(SECRET in p.text for p in RawPacket.objects.all())
    packets = list(RawPacket.objects.values_list("pk", flat=True))
    closed = timezone.now() - dt.timedelta(days=5)  # the same frames on a closed day, compacted (issue 16)
    for p in RawPacket.objects.all():
        RawPacket.objects.create(point=p.point, mn=p.mn, cn=p.cn, qn=p.qn, received_at=closed, peer=p.peer,
                                 text=p.text, verdict=p.verdict, reason=p.reason, result=p.result)
    block = PacketBlock.objects.get(pk=compact_packets(point.pk, timezone.localdate(closed)).block_id)
    return SimpleNamespace(
        point=point, admin=admin, packets=packets,
        compacted=[{"pk": point.pk, "block": block.pk, "packet": e.id} for e in entries_of(block)],
        entries=list(Quarantine.objects.values_list("pk", flat=True)),
        sample=InvalidFrameSample.objects.get().pk,
    )


def parameters(world, ev):
    """kwargs for each parametrised route that can show a point, a frame or a quarantine entry."""
    point, enterprise = {"pk": ev.point.pk}, {"pk": world.enterprise_a.pk}
    entries = [{"pk": pk} for pk in ev.entries]
    return {
        "monitoring:point": [point], "monitoring:chart": [point], "monitoring:packets": [point],
        "monitoring:commands": [point], "monitoring:setup": [point],
        "monitoring:packet": [{"pk": pk} for pk in ev.packets], "monitoring:evidence": ev.compacted,
        "monitoring:quarantine_register": entries, "monitoring:quarantine_password": entries,
        "monitoring:quarantine_dismiss": entries,
        "enterprises:detail": [enterprise], "enterprises:edit": [enterprise],
        "enterprises:point_create": [enterprise], "enterprises:outlet_create": [enterprise],
        "enterprises:outlet_edit": [{"pk": world.enterprise_a.pk, "outlet_pk": ev.point.outlet_id}],
        "inspections:enterprise_history": [enterprise], "inspections:live": [enterprise],
        "quality:compliance": [enterprise], "loads:enterprise": [enterprise],
        "quality:point_checks": [point], "quality:record_check": [point],
        "api:get_enterprise": [{"enterprise_id": world.enterprise_a.pk}],
        "portal:compliance": [{"park_code": world.park.code, "fmt": f} for f in ("csv", "json")],
        "portal:daily": [{"park_code": world.park.code, "fmt": f} for f in ("csv", "json")],
    }


def routes():
    """(name with namespace, has parameters) of every non-admin route in the urlconf."""
    found = []

    def walk(resolver, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "admin":
                    walk(p, ":".join(x for x in (namespace, p.namespace) if x))
            elif isinstance(p, URLPattern) and p.name:
                route = str(p.pattern)
                found.append((":".join(x for x in (namespace, p.name) if x), "<" in route or "(?P" in route,
                              route))

    walk(get_resolver(), "")
    return found


def admin_urls(ev):
    urls = []
    for model, pks in (("rawpacket", ev.packets), ("quarantine", ev.entries), ("invalidframesample", [ev.sample])):
        urls.append(reverse(f"admin:monitoring_{model}_changelist"))
        urls += [reverse(f"admin:monitoring_{model}_change", args=[pk]) for pk in pks]
    return urls


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # xlsx, docx: the text is in the zipped XML
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            content = b"".join(z.read(name) for name in z.namelist())
    return content.decode("utf-8", "replace")


@pytest.mark.slow  # a whole demo seed of its own: run on SQLite only (Makefile, test-postgres)
def test_it_shows_no_device_password_on_any_page_partial_export_or_api(world, evidence, as_user):
    params = parameters(world, evidence)
    requests = []
    for name, parametrised, route in routes():
        if name.split(":")[-1] in NOT_PAGES:
            continue
        if parametrised:
            assert name in params or not FRAMEY.search(f"{route} {name}"), f"{name} ({route}) may show a frame"
            urls = [reverse(name, kwargs=kw) for kw in params.get(name, [])]
        else:
            urls = [reverse(name)]
        for url in urls:
            requests.append(("get", url, {}))
            if name.startswith("monitoring:"):
                requests.append(("hx", url, {}))
            if name.startswith("monitoring:quarantine_"):
                requests.append(("post", url, {"seen": "", "reason": ""}))  # the form re-rendered with errors
    requests.append(("hx", reverse("monitoring:packets", kwargs={"pk": evidence.point.pk}) + "?cn=2051", {}))
    assert len(requests) > 100

    users = {name: (None if name == "anonymous" else getattr(world, name)) for name in PERSONAS}
    users["admin"] = evidence.admin
    leaks, status = [], {}
    for persona, user in users.items():
        client = as_user(user)
        for kind, url, data in requests + [("get", u, {}) for u in admin_urls(evidence)]:
            if kind == "post":
                response = client.post(url, data)
            else:
                response = client.get(url, **({"HTTP_HX_REQUEST": "true"} if kind == "hx" else {}))
            status[(persona, kind, url)] = response.status_code
            if SECRET in body(response):
                leaks.append((persona, kind, url, response.status_code))

    assert leaks == []
    point_admin = reverse("admin:enterprises_monitoringpoint_change", args=[evidence.point.pk])
    assert SECRET in body(as_user(evidence.admin).get(point_admin))  # the one place, for who manages it all
    assert SECRET not in body(as_user(world.regulator).get(point_admin))
    packets = reverse("monitoring:packets", kwargs={"pk": evidence.point.pk})
    packet = reverse("monitoring:packet", kwargs={"pk": evidence.packets[0]})
    quarantine = reverse("monitoring:quarantine")
    for persona in PERSONAS:
        expected = 302 if persona == "anonymous" else 200 if persona in FRAME_READERS else 404
        assert (status[(persona, "get", packets)], status[(persona, "hx", packet)]) == (expected, expected), persona
        expected = 302 if persona == "anonymous" else 200 if persona in QUARANTINE_READERS else 404
        assert status[(persona, "get", quarantine)] == expected, persona
    shown = as_user(world.regulator).get(packet, HTTP_HX_REQUEST="true").content.decode()
    assert "PW=******" in shown and "w01018" in shown  # still decoded from the intact evidence
    assert world.point_a.mn not in as_user(world.outsider).get(quarantine).content.decode()


def test_it_takes_the_devices_password_server_side_and_audits_no_password(world, evidence, as_user):
    client = as_user(world.regulator)
    wrong_pw = Quarantine.objects.get(reason="wrong_pw")
    unknown = Quarantine.objects.get(reason="unknown_mn")
    page = client.get(reverse("monitoring:quarantine_password", args=[wrong_pw.pk])).content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', page).group(1)

    updated = client.post(reverse("monitoring:quarantine_password", args=[wrong_pw.pk]),
                          {"seen": seen, "reason": "现场更换数采仪"})
    registered = client.post(reverse("monitoring:quarantine_register", args=[unknown.pk]), {
        "park": world.park.pk, "outlet": world.enterprise_a.outlets.get().pk, "name": "甲化工二号排口",
        "password": "", "protocol_version": "2017", "st": "32"})
    process_packets([upload(Device(world.point_b.mn, SECRET), "20260101122000")])
    dismissed = client.post(reverse("monitoring:quarantine_dismiss", args=[Quarantine.objects.get(
        reason="wrong_pw", resolved=False).pk]), {"reason": "不明设备"})

    assert (updated.status_code, registered.status_code, dismissed.status_code) == (302, 302, 302)
    world.point_a.refresh_from_db()
    assert world.point_a.password == DEVICE_SECRET
    assert MonitoringPoint.objects.get(mn=UNKNOWN).password == SECRET  # copied, never shown
    entries = list(AuditEntry.objects.all())
    assert {e.action for e in entries} >= {"point.password", "quarantine.update_password", "point.create",
                                           "quarantine.register", "quarantine.dismiss"}
    for e in entries:
        written = json.dumps([e.before, e.after, e.message, e.object_repr, e.related_repr], ensure_ascii=False)
        assert SECRET not in written, e.action
    for url in (reverse("monitoring:quarantine"), reverse("enterprises:detail", args=[world.enterprise_a.pk])):
        assert SECRET not in client.get(url).content.decode()


class FailingSink:
    """A store that fails quoting the row, as PostgreSQL does (``DETAIL: Failing row contains (...)``)."""

    def store(self, batch):
        rows = ", ".join(r.packet.raw.decode() for r in batch)
        raise RuntimeError(f'new row violates check constraint\nDETAIL:  Failing row contains ({rows}).')


def test_it_logs_no_device_password_from_the_gateway_or_ingest(world, evidence, caplog):
    caplog.set_level(logging.DEBUG)
    received = upload(evidence.point, "20260101124000")
    wrong = upload(Device(evidence.point.mn, DEVICE_SECRET), "20260101124000")

    assert store_batch(FailingSink(), [received, wrong]) == [None, None]
    RefusalLog().refused(wrong.peer, wrong.packet, Outcome(Verdict.QUARANTINED, "wrong password"), time.time())
    forward_log.warning("upstream refused %r", received.packet.raw)
    sink = DjangoSink()
    sink.store([wrong, upload(Device(UNKNOWN, SECRET), "20260101124000")])
    decoder = Decoder()
    decoder.receive_data(bad_crc_frame(evidence.point))
    event = decoder.next_event()
    assert isinstance(event, InvalidFrame) and decoder.next_event() is NEED_DATA
    sink.record_invalid([InvalidReceived(event.reason.value, event.detail, event.data, "p", time.time(), 1)])
    ingest_log.error("could not store %s", received.packet.raw.decode())

    assert SECRET not in caplog.text
    assert "Failing row contains" in caplog.text and "PW=******" in caplog.text  # the lines were there, masked
