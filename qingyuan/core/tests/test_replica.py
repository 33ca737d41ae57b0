"""A real hot standby: a throwaway PostgreSQL 15 primary and a streaming-replication standby on
127.0.0.1, started from the binaries (the commands docs/deployment.md "Province setup" gives),
with Django's ``default`` pointed at the primary and ``replica`` at the standby for these tests.

Rows written through the primary are read back through the router inside ``reads_from_replica``
from the standby (``pg_is_in_recovery()`` on the connection that answered); a read after a write
in the same scope stays on the primary; a standby that has not replayed what the primary had
committed, lags beyond the limit or is stopped sends reads to the primary.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from qingyuan.core import audit, replica
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.models import AuditEntry

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))

# Starts its own primary and standby, whatever the suite's database: run once, in the PostgreSQL stage.
pytestmark = [pytest.mark.postgres, pytest.mark.cluster]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pair:
    """A primary and its hot standby under one temporary directory, owned by ``postgres`` when run as root."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="qingyuan-replica-"))
        self.primary, self.standby = self.root / "primary", self.root / "standby"
        self.primary_port, self.standby_port = _free_port(), _free_port()
        self.runas: list[str] = []
        if os.getuid() == 0:  # initdb refuses root: run the binaries as postgres, like bin/with-postgres
            if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self.root, "postgres")
            self.runas = ["runuser", "-u", "postgres", "--"]

    def run(self, tool: str, *args: str) -> str:
        result = subprocess.run([*self.runas, str(PGBIN / tool), *args], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (tool, args, result.stdout[-2000:], result.stderr[-2000:], self.logs())
        return result.stdout

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-1500:] for p in sorted(self.root.glob("*.log")))

    def start(self) -> None:
        self.run("initdb", "-D", str(self.primary), "-U", "qingyuan", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        self.append(self.primary / "postgresql.conf",
                    "listen_addresses = '127.0.0.1'", "wal_level = replica", "max_wal_senders = 4",
                    "hot_standby = on", "fsync = off")
        self.append(self.primary / "pg_hba.conf", "host replication qingyuan 127.0.0.1/32 trust")
        self.pg_ctl(self.primary, self.primary_port, "primary")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "qingyuan", "qingyuan")
        # -R writes standby.signal and primary_conninfo; -X stream copies the WAL of the backup too.
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "qingyuan",
                 "-D", str(self.standby), "-R", "-X", "stream", "-c", "fast", "--no-sync", "--no-manifest")
        self.pg_ctl(self.standby, self.standby_port, "standby")

    def append(self, path: Path, *lines: str) -> None:
        with path.open("a", encoding="utf-8") as f:
            f.write("\n" + "\n".join(lines) + "\n")

    def pg_ctl(self, data: Path, port: int, name: str) -> None:
        self.run("pg_ctl", "-D", str(data), "-l", str(self.root / f"{name}.log"), "-w",
                 "-o", f"-p {port} -k {self.root}", "start")

    def stop_standby(self) -> None:
        self.run("pg_ctl", "-D", str(self.standby), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        for data in (self.standby, self.primary):
            subprocess.run([*self.runas, str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

    def database(self, port: int) -> dict[str, Any]:
        return {"ENGINE": "django.db.backends.postgresql", "NAME": "qingyuan", "USER": "qingyuan",
                "HOST": "127.0.0.1", "PORT": str(port), "OPTIONS": {"connect_timeout": "3"}}


@contextmanager
def connected_to(primary: dict[str, Any], standby: dict[str, Any]) -> Iterator[None]:
    """``default`` → the primary and ``replica`` → the standby, then back to the suite's database."""
    before = connections.settings
    old_default = connections["default"]
    connections.settings = connections.configure_settings({"default": primary, "replica": standby})
    connections["default"] = connections.create_connection("default")
    connections["replica"] = connections.create_connection("replica")
    replica.forget()
    try:
        yield
    finally:
        for alias in ("default", "replica"):
            connections[alias].close()
        del connections["replica"]
        connections["default"] = old_default
        connections.settings = before
        replica.forget()


def skip_reason() -> str | None:
    if (PGBIN / "initdb").exists() and (PGBIN / "pg_basebackup").exists():
        return None
    reason = f"needs the PostgreSQL 15 binaries at {PGBIN} (initdb, pg_basebackup) to start a primary and a standby"
    if os.environ.get("QINGYUAN_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason + " and QINGYUAN_REQUIRE_POSTGRES=1")
    return reason


@pytest.fixture(scope="module")
def pair(django_db_blocker: Any) -> Iterator[Pair]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    pg = Pair()
    try:
        pg.start()
        with django_db_blocker.unblock(), connected_to(pg.database(pg.primary_port), pg.database(pg.standby_port)):
            for app in ("auth", "core"):  # users, audit entries, the cache table
                call_command("migrate", app, database="default", verbosity=0)
            yield pg
    finally:
        pg.close()


def eventually(check: Callable[[], bool], *, timeout: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.05)


def on_standby(sql: str, params: tuple[Any, ...] = ()) -> Any:
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def write_entry(message: str) -> AuditEntry:
    user, _ = get_user_model().objects.get_or_create(username="replica-writer")
    return audit.record("replica.test", user, acting_user=None, message=message)  # a system action


def replicated(entry: AuditEntry) -> None:
    eventually(lambda: on_standby("SELECT count(*) FROM core_auditentry WHERE id = %s", (entry.pk,))[0] == 1,
               what=f"audit entry {entry.pk} on the standby")


def test_it_reads_rows_written_through_the_primary_from_the_standby(pair: Pair):
    entry = write_entry("written through the primary")
    replicated(entry)
    assert replica.standby(fresh=True).usable

    with reads_from_replica():
        found = AuditEntry.objects.filter(pk=entry.pk)
        with CaptureQueriesContext(connections["replica"]) as standby_queries, \
                CaptureQueriesContext(connections["default"]) as primary_queries:
            messages = list(found.values_list("message", flat=True))
        alias = found.db

    assert messages == ["written through the primary"]
    assert alias == "replica"
    assert any("core_auditentry" in q["sql"] for q in standby_queries.captured_queries)
    # The primary was asked only where its WAL stood, to know the standby had replayed it.
    assert [q["sql"] for q in primary_queries.captured_queries] == ["SELECT pg_current_wal_lsn()::text"]
    # The connection that answered is the standby: in recovery, on the standby's port.
    assert on_standby("SELECT pg_is_in_recovery(), inet_server_port()") == (True, pair.standby_port)
    assert AuditEntry.objects.filter(pk=entry.pk).db == "default"  # outside the scope: the primary


def test_it_keeps_a_read_after_a_write_in_the_scope_on_the_primary(pair: Pair):
    replicated(write_entry("an earlier entry"))
    replica.standby(fresh=True)
    with reads_from_replica():
        assert AuditEntry.objects.all().db == "replica"
        cache.set("replica-test", 1)  # the cache table is not data a page reads: still the standby
        assert AuditEntry.objects.all().db == "replica"
        entry = write_entry("read back at once")
        mine = AuditEntry.objects.filter(pk=entry.pk)
        assert mine.db == "default"
        assert list(mine.values_list("message", flat=True)) == ["read back at once"]  # no waiting for the standby
    with reads_from_replica(), transaction.atomic():
        assert AuditEntry.objects.all().db == "default"
    with reads_from_replica():  # a new scope has written nothing
        assert AuditEntry.objects.all().db == "replica"


def test_it_reads_from_the_primary_while_the_standby_is_behind_and_shows_the_lag(pair: Pair, settings: Any, caplog: Any):
    replicated(write_entry("caught up"))
    state = replica.standby(fresh=True)
    assert state.usable and 0 <= state.lag < 5, state
    html = render_to_string("core/partials/replica_lag.html")
    assert 'id="standby-lag"' in html and "text-success" in html, html

    on_standby("SELECT pg_wal_replay_pause()::text")
    try:
        entry = write_entry("received, not replayed")
        eventually(lambda: on_standby("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()")[0],
                   what="the standby received WAL it has not replayed")
        # Within the allowed lag, but behind what the primary had committed when the scope read:
        # the scope reads from the primary and sees the row.
        assert replica.standby(fresh=True).usable
        with reads_from_replica():
            assert AuditEntry.objects.filter(pk=entry.pk).db == "default"
            assert AuditEntry.objects.filter(pk=entry.pk).exists()

        time.sleep(1.1)
        settings.QINGYUAN_REPLICA_MAX_LAG_S = 1
        with caplog.at_level(logging.WARNING, logger="qingyuan.replica"):
            behind = replica.standby(fresh=True)
        assert behind.problem == replica.LAGGING and behind.lag > 1, behind
        assert "fall back to the primary: standby lagging" in caplog.text
        with reads_from_replica():
            assert AuditEntry.objects.filter(pk=entry.pk).db == "default"
        with translation.override("en"):
            html = render_to_string("core/partials/replica_lag.html")
        assert "s behind the primary (more than 1 s): pages read from the primary" in html, html
    finally:
        on_standby("SELECT pg_wal_replay_resume()::text")
    replicated(entry)
    assert replica.standby(fresh=True).usable


def test_it_decides_again_after_a_cache_read_in_the_scope(pair: Pair):
    """A version read from the cache must not be paired with data older than it (loads.cache, portal pages)."""
    replicated(write_entry("before the page"))
    replica.standby(fresh=True)
    with reads_from_replica():
        assert AuditEntry.objects.all().db == "replica"
        on_standby("SELECT pg_wal_replay_pause()::text")
        try:
            elsewhere: list[AuditEntry] = []
            writer = threading.Thread(target=lambda: (elsewhere.append(write_entry("another process")),
                                                      connections.close_all()))
            writer.start()
            writer.join()
            assert AuditEntry.objects.all().db == "replica"  # decided before the write: the same snapshot age
            cache.get("loads:data-version")  # the page reads a version bumped after that write
            later = AuditEntry.objects.filter(pk=elsewhere[0].pk)
            assert later.db == "default"
            assert later.exists()
        finally:
            on_standby("SELECT pg_wal_replay_resume()::text")


def test_it_falls_back_to_the_primary_when_the_standby_stops(pair: Pair, caplog: Any):
    entry = write_entry("before the standby stopped")
    replicated(entry)
    assert replica.standby(fresh=True).usable
    pair.stop_standby()

    with caplog.at_level(logging.WARNING, logger="qingyuan.replica"):
        state = replica.standby(fresh=True)
    assert state.problem == replica.UNREACHABLE, state
    assert "fall back to the primary: standby unreachable" in caplog.text
    with reads_from_replica():
        found = AuditEntry.objects.filter(pk=entry.pk)
        assert found.db == "default"
        assert list(found.values_list("message", flat=True)) == ["before the standby stopped"]
    with translation.override("zh-hans"):
        assert "热备库" in (html := render_to_string("core/partials/replica_lag.html")), html
        assert "无法连接：页面改从主库读取" in html
