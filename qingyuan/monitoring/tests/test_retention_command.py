"""``qingyuan expire`` runs the backlog as a job with progress, audited per batch."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from qingyuan.core.models import AuditEntry, Job
from qingyuan.monitoring.models import ExpiryRun, RawPacket, Reading

from .retention_data import NOW, WINDOWS, at, packet, reading

D = dt.date


@pytest.fixture
def windows(settings):
    for name, days in WINDOWS.items():
        setattr(settings, name, days)


def test_it_expires_the_backlog_as_a_finished_job(world, windows):
    p = world.point_a
    for day in range(1, 11):
        reading(p, "realtime", at(D(2026, 2, day), 8))
        packet(p, at(D(2026, 1, day), 8))
    kept = reading(p, "realtime", at(D(2026, 3, 15), 8))
    out = io.StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("expire", stdout=out)

    job = Job.objects.get(kind="monitoring.expire")
    assert job.status == Job.Status.DONE and job.total > 0 and job.percent == 100
    assert "实时数据 10" in job.message and "原始报文 10" in job.message and "done:" in out.getvalue()
    assert list(Reading.objects.values_list("pk", flat=True)) == [kept.pk] and RawPacket.objects.count() == 0
    entries = AuditEntry.objects.filter(action="monitoring.expire")
    assert sum(e.after["realtime"] for e in entries) == 10 and sum(e.after["raw"] for e in entries) == 10
    assert ExpiryRun.objects.filter(source="command").count() == entries.count() >= 1


def test_a_second_run_finds_nothing_due_and_writes_no_entry(world, windows):
    reading(world.point_a, "minute", at(D(2026, 1, 3), 8))
    with time_machine.travel(NOW, tick=False):
        call_command("expire", stdout=io.StringIO())
        call_command("expire", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="monitoring.expire").count() == 1
    assert Job.objects.filter(kind="monitoring.expire", status=Job.Status.DONE).count() == 2
