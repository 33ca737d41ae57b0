"""The loads worker's own changes are audited as the system's: quota alerts and the rebound flag's assignment.

Today is 2026-11-29 (``park_world``); the figures are those of test_alerts and test_rebound.
"""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads import rebound, services
from qingyuan.loads.models import LoadAlert, ReboundFlag
from qingyuan.loads.tests.helpers import daily, monthly, permit

pytestmark = pytest.mark.django_db


def test_it_audits_a_quota_alert_as_the_system(park_world):
    w = park_world
    permit(w.enterprise_a, {"w01018": "0.7"}, outlet=w.point_a.outlet)
    for n in range(29):  # 10 kg a day in November: projected 0.61 t of 0.7 t, a warning
        daily(w.point_a, "w01018", dt.date(2026, 11, 1) + dt.timedelta(days=n), kg=10.0)

    raised = services.raise_alerts(w.park.pk)
    services.raise_alerts(w.park.pk)

    alert = LoadAlert.objects.get()
    assert [a.pk for a in raised] == [alert.pk]
    entry = AuditEntry.objects.get(action="loads.alert")  # once: the second run raised nothing
    assert (entry.object_id, entry.related_id, entry.user, entry.user_name) == (
        str(alert.pk), str(w.enterprise_a.pk), None, "")
    assert (entry.after["level"], entry.after["pollutant_code"], entry.after["year"]) == ("warning", "w01018", 2026)


def test_it_audits_the_rebound_flags_link_to_its_assignment_as_the_system(park_world):
    w = park_world
    Enterprise.objects.filter(pk=w.enterprise_a.pk).update(status="rectified", status_since=dt.date(2025, 10, 15))
    permit(w.enterprise_a, {}, outlet=w.point_a.outlet, limits={"w01018": "100"})
    months = [dt.date(2025, 11, 1), dt.date(2025, 12, 1)] + [dt.date(2026, m, 1) for m in range(1, 11)]
    for i, month in enumerate(months):  # +4 % of the limit a month: flagged
        monthly(w.point_a, "w01018", month, mean=30.0 + 4 * i)

    rebound.run_park(w.park.pk)
    rebound.run_park(w.park.pk)

    flag = ReboundFlag.objects.get()
    entry = AuditEntry.objects.get(action="loads.rebound_flag_assigned")
    assert (entry.object_id, entry.related_id, entry.user, entry.user_name) == (
        str(flag.pk), str(flag.assignment_id), None, "")
    assert (entry.before, entry.after) == ({"assignment_id": None}, {"assignment_id": flag.assignment_id})
