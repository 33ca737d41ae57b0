"""The storage page: the platform's administrators only, with the tiers, volumes, holds and runs."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model

from qingyuan.alarms.models import Alarm
from qingyuan.core.models import AuditEntry, Job
from qingyuan.demo.tests.presentation import problems
from qingyuan.monitoring import retention

from .retention_data import NOW, WINDOWS, at, packet, reading, reading_block

D = dt.date
URL = "/monitoring/storage/"


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("platform-admin", "admin@example.org", "x-pass-1")


@pytest.fixture
def windows(settings):
    for name, days in WINDOWS.items():
        setattr(settings, name, days)


def test_it_shows_the_tiers_volumes_holds_and_runs_to_an_administrator(world, windows, admin, as_user):
    p = world.point_a
    with time_machine.travel(NOW, tick=False):
        alarm = Alarm.objects.create(park=world.park, enterprise=world.enterprise_a, point=p, parameter="w01018",
                                     kind="exceedance", severity="high", start=at(D(2026, 3, 1), 9),
                                     end=at(D(2026, 3, 1), 11), first_detected_at=at(D(2026, 3, 1), 10),
                                     last_detected_at=at(D(2026, 3, 1), 11))
        for minute in range(3):
            reading(p, "realtime", at(D(2026, 1, 5), 8, minute))  # expires: 3 real-time readings
        reading(p, "hour", at(D(2026, 1, 5), 8))
        reading_block(p, "minute", D(2026, 3, 2), count=42)
        packet(None, at(D(2026, 3, 19), 8), mn="UNKNOWN-MN")
        retention.expire_all(now=NOW)
        response = as_user(admin).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    tiers = page[page.index('id="storage-tiers"'):page.index('id="storage-volumes"')]
    assert "10 天" in tiers and "2026-03-10" in tiers and "2026-02-18" in tiers and "2026-02-28" in tiers
    assert "永久保存" in tiers
    volumes = page[page.index('id="storage-volumes"'):page.index('id="storage-holds"')]
    assert ">42<" in volumes and "1 条无监测点" in volumes
    held = page[page.index('id="storage-holds"'):page.index('id="storage-expiry-runs"')]
    assert f'href="/alarms/{alarm.pk}/"' in held and "2026-02-28 09:00" in held and p.name in held
    runs = page[page.index('id="storage-expiry-runs"'):]
    assert "实时数据 3" in runs
    assert problems(visible_text(page), data=("platform-admin",)) == []


def visible_text(page: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("who", ["regulator", "ent_a", "officer", None])
def test_it_is_not_found_for_anyone_but_an_administrator(world, as_user, who):
    user = getattr(world, who) if who else None
    assert as_user(user).get(URL).status_code in (404, 302) if who is None else as_user(user).get(URL).status_code == 404
    assert as_user(user).post("/monitoring/storage/expire/").status_code in (404, 302)
    assert not Job.objects.exists()


def test_an_administrator_queues_the_expiry_job_audited(world, admin, as_user):
    response = as_user(admin).post("/monitoring/storage/expire/")
    job = Job.objects.get(kind="monitoring.expire")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.QUEUED and job.created_by == admin
    assert AuditEntry.objects.filter(action="job.submit", object_id=str(job.pk), user=admin).exists()
    assert as_user(admin).get("/monitoring/storage/expire/").status_code == 405


def test_the_menu_offers_the_page_to_administrators_only(world, admin):
    from qingyuan.core.plugins import menu_for
    from qingyuan.org.actor import actor_for

    def keys(user):
        return {e.key for entries in menu_for(actor_for(user)).values() for e in entries}

    assert "storage" in keys(admin)
    assert "storage" not in keys(world.regulator) | keys(world.ent_a)


def test_it_lists_compaction_runs_by_label_without_codes(world, admin, as_user):
    from qingyuan.core import audit

    job = Job.objects.create(kind="monitoring.compact", title="compact", status=Job.Status.DONE)
    audit.record("readings.compact", job, acting_user=None,
                 after={"units": 3, "blocks": 3, "readings": 1200, "last_thing": "x", "conflicts": 0})
    page = as_user(admin).get(URL).content.decode()
    runs = page[page.index('id="storage-compaction-runs"'):]
    assert "监测数据压缩" in runs and "压缩入块的数据条数 1200" in runs
    assert "last_thing" not in runs and "conflicts" not in runs
