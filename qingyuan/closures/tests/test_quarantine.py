"""A packet from a point a closure decommissioned is quarantined as "decommissioned", and the park can
dismiss that entry (monitoring's dismiss action offers the reason)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qingyuan.closures.tests.helpers import open_case, walk
from qingyuan.core.models import AuditEntry
from qingyuan.ingest.process import process_packets
from qingyuan.monitoring.models import Quarantine
from qingyuan.monitoring.tests.conftest import upload


def test_it_dismisses_a_decommissioned_point_entry(world, as_user):
    case = open_case(world, days_ago=40)
    walk(world, case, timezone.localdate() - dt.timedelta(days=30))
    process_packets([upload(world.point_b, "20260101120000")])
    entry = Quarantine.objects.get(mn=world.point_b.mn)
    assert entry.reason == "decommissioned"
    page = as_user(world.regulator).get("/monitoring/quarantine/").content.decode()
    assert f"/monitoring/quarantine/{entry.pk}/dismiss/" in page

    response = as_user(world.regulator).post(f"/monitoring/quarantine/{entry.pk}/dismiss/",
                                             {"reason": "关停企业残留数采仪误发，已断电"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.resolved, entry.resolution, entry.resolution_note) == (True, "dismissed", "关停企业残留数采仪误发，已断电")
    assert AuditEntry.objects.get(action="quarantine.dismiss").message == "关停企业残留数采仪误发，已断电"
