"""The replica router without a standby (the suite's own databases): it decides nothing, the
standby URL is parsed and refused like DATABASE_URL, the pages that may read from a standby say
so, and the device status page shows the standby's lag. The real standby: test_replica.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve

from qingyuan.core import replica
from qingyuan.core.dbrouter import ReplicaRouter, is_write, reads_from_replica
from qingyuan.core.env import replica_from_url
from qingyuan.core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[3]
PRIMARY = {"ENGINE": "django.db.backends.postgresql"}

# Every page whose reads may go to the standby: overviews and exports, never a page that shows what
# its reader has just saved in the same request (those stay on the primary without the decorator).
REPLICA_PAGES = [
    "/cockpit/map/", "/cockpit/map/data.json",
    "/public/", "/public/park/p/", "/public/park/p/map/", "/public/park/p/notices/", "/public/park/p/replies/",
    "/public/park/p/data/", "/public/park/p/data/daily.csv", "/public/park/p/data/compliance.csv",
    "/public/enterprise/1/", "/public/notice/1/",
    "/briefings/export.xlsx", "/alarms/export.xlsx", "/assessment/1/scores.xlsx", "/closures/export.xlsx",
    "/compensation/1/ledger.xlsx", "/complaints/export.xlsx", "/enterprises/export.xlsx",
    "/inspections/export.xlsx", "/inspections/draws/export.xlsx", "/monitoring/export.xlsx",
    "/monitoring/quarantine/export.xlsx", "/units/export.xlsx", "/plans/export.xlsx", "/sections/export.xlsx",
    "/surveys/results/export.xlsx", "/surveys/villages/export.xlsx", "/tasks/export.xlsx",
    "/tasks/checks/export.xlsx",
]


def test_it_sends_every_query_to_the_primary_without_a_standby(db):
    router = ReplicaRouter()
    assert not replica.configured() and replica.standby() is None and replica.replica_lag() is None
    assert router.db_for_read(AuditEntry) is None and router.db_for_write(AuditEntry) is None
    with reads_from_replica():
        assert router.db_for_read(AuditEntry) is None
        assert AuditEntry.objects.all().db == "default"
    assert router.allow_migrate("default", "core") is None
    assert router.allow_migrate("replica", "core") is False  # migrations never run on the standby


def test_it_parses_the_standby_url_like_database_url(tmp_path):
    standby = replica_from_url("postgres://reader:s%40fe@10.0.0.2:5433/qingyuan?sslmode=require",
                               primary=PRIMARY, base_dir=tmp_path)
    assert (standby["HOST"], standby["PORT"], standby["USER"], standby["PASSWORD"], standby["NAME"]) == (
        "10.0.0.2", "5433", "reader", "s@fe", "qingyuan")
    assert standby["OPTIONS"] == {"sslmode": "require", "connect_timeout": "3"}
    assert standby["TEST"] == {"MIRROR": "default"}  # a test run never creates a database on it
    waits = replica_from_url("postgres://h/q?connect_timeout=10", primary=PRIMARY, base_dir=tmp_path)
    assert waits["OPTIONS"]["connect_timeout"] == "10"


def test_it_refuses_a_standby_that_cannot_be_one(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="QINGYUAN_DATABASE_REPLICA_URL must be a postgres:// URL"):
        replica_from_url("sqlite:///x.sqlite3", primary=PRIMARY, base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="QINGYUAN_DATABASE_REPLICA_URL='mysql://h/q' has an unsupported"):
        replica_from_url("mysql://h/q", primary=PRIMARY, base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="hot standby of the PostgreSQL primary"):
        replica_from_url("postgres://h/q", primary={"ENGINE": "django.db.backends.sqlite3"}, base_dir=tmp_path)
    with pytest.raises(ImproperlyConfigured, match="QINGYUAN_DATABASE_REPLICA_URL='postgres://h/' names no database"):
        replica_from_url("postgres://h/", primary=PRIMARY, base_dir=tmp_path)


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QINGYUAN_", "DATABASE_URL", "DJANGO_"))}
    code = ("import json, django; from django.conf import settings; django.setup(); "
            "print(json.dumps([sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
            "settings.QINGYUAN_REPLICA_MAX_LAG_S, settings.DATABASES.get('replica', {}).get('PORT')]))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "qingyuan.settings", **env})


def test_it_adds_the_replica_alias_only_when_the_variable_is_set():
    both = _settings_with(DATABASE_URL="postgres://qy@10.0.0.1/qingyuan",
                          QINGYUAN_DATABASE_REPLICA_URL="postgres://qy@10.0.0.2:5433/qingyuan",
                          QINGYUAN_REPLICA_MAX_LAG_S="12")
    assert both.returncode == 0, both.stderr[-2000:]
    assert json.loads(both.stdout) == [["default", "replica"], ["qingyuan.core.dbrouter.ReplicaRouter"], 12, "5433"]
    refused = _settings_with(QINGYUAN_DATABASE_REPLICA_URL="postgres://qy@10.0.0.2/qingyuan")  # primary: SQLite
    assert refused.returncode != 0 and "QINGYUAN_DATABASE_REPLICA_URL must be a postgres:// URL" in refused.stderr


def test_it_marks_the_pages_that_read_from_the_standby():
    unmarked = [path for path in REPLICA_PAGES if not getattr(resolve(path).func, "reads_from_replica", False)]
    assert unmarked == []
    # The check can fail: pages that show what their reader just saved are not marked.
    for path in ("/", "/enterprises/", "/briefings/1/", "/public/manage/"):
        assert not getattr(resolve(path).func, "reads_from_replica", False), path
    from qingyuan.cockpit import views as cockpit

    assert cockpit.cockpit.reads_from_replica  # the manager's home page (/ renders it)


def test_it_tells_writes_from_reads():
    assert not is_write('SELECT "core_auditentry"."id" FROM "core_auditentry"')
    assert not is_write("  (SELECT 1) UNION (SELECT 2)")
    assert not is_write('SAVEPOINT "s1_x1"') and not is_write('RELEASE SAVEPOINT "s1_x1"')
    assert is_write('INSERT INTO "core_auditentry" ("action") VALUES (%s)')
    assert is_write('UPDATE "tasks_assignment" SET "status" = %s') and is_write('DELETE FROM "x"')
    assert is_write("WITH moved AS (DELETE FROM x RETURNING *) INSERT INTO y SELECT * FROM moved")
    # The database cache's own rows are not data a page reads back.
    assert not is_write('INSERT INTO "qingyuan_cache" (cache_key) VALUES (%s)', ("qingyuan_cache",))
    assert not is_write('DELETE FROM "qingyuan_cache" WHERE expires < %s', ("qingyuan_cache",))


@pytest.mark.parametrize(("state", "shown"), [
    (replica.Standby(lag=0.42, max_lag=30), "落后主库 0.4 秒"),
    (replica.Standby(lag=47.0, max_lag=30, problem=replica.LAGGING), "落后主库 47.0 秒（超过 30 秒）：页面改从主库读取"),
    (replica.Standby(lag=None, max_lag=30, problem=replica.UNREACHABLE, detail="refused"), "无法连接：页面改从主库读取"),
])
def test_it_shows_the_standby_lag_on_the_device_status_page(world, as_user, monkeypatch, state, shown):
    monkeypatch.setattr(replica, "standby", lambda fresh=False: state)
    page = as_user(world.regulator).get("/monitoring/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="standby-lag"' in text and "热备库" in text and shown in text
    # An enterprise sees its own devices, not the platform's database.
    own = as_user(world.ent_a).get("/monitoring/")
    assert own.status_code == 200 and "standby-lag" not in own.content.decode()


def test_it_shows_no_standby_where_there_is_none(world, as_user):
    page = as_user(world.regulator).get("/monitoring/")
    assert page.status_code == 200 and "standby-lag" not in page.content.decode()
