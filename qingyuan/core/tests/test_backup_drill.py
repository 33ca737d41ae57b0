"""Backups: docs/deploy/qingyuan-backup (pg_basebackup), qingyuan-wal-archive (archive_command)
and qingyuan-restore-drill restore the database to its last archived transaction.

A throwaway primary with WAL archiving on gets migrated tables and readings, a base backup by
the script, then MORE readings that exist only in the archived WAL; the drill restores the newest
backup plus the archive into its own throwaway cluster and must report them. PostgreSQL 15
binaries are required (PGBIN); under root the clusters and scripts run as ``postgres``, as
bin/with-postgres does.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "docs" / "deploy"
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
HAVE_POSTGRES = (PGBIN / "initdb").exists()
RUNAS = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
TABLES = "enterprises_monitoringpoint monitoring_reading monitoring_rawpacket"
START = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)

needs_postgres = pytest.mark.skipif(not HAVE_POSTGRES, reason=f"no PostgreSQL binaries at {PGBIN} (set PGBIN)")
# Starts its own clusters, whatever the suite's database: run once, in the PostgreSQL stage (Makefile).
pytestmark = pytest.mark.cluster


def run(argv: list[str], env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=120)
    if check and result.returncode:
        raise AssertionError(f"{argv} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Primary:
    """A PostgreSQL primary on loopback archiving its WAL with qingyuan-wal-archive."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data, self.wal, self.backups = base / "data", base / "wal", base / "base"
        self.port = free_port()
        self.url = f"postgres://qingyuan@127.0.0.1:{self.port}/qingyuan"
        self.env = {"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": "qingyuan", "PGBIN": str(PGBIN),
                    "BACKUP_DIR": str(self.backups), "WAL_ARCHIVE": str(self.wal), "DRILL_USER": "qingyuan",
                    "DRILL_DB": "qingyuan", "DRILL_TABLES": TABLES, "DRILL_TMP": str(base), "DRILL_TIMEOUT": "60",
                    "BASEBACKUP_OPTIONS": "--no-sync"}  # a test: the bytes need not reach the disk

    def start(self) -> None:
        self.wal.mkdir()
        if RUNAS:
            shutil.chown(self.base, "postgres")
            shutil.chown(self.wal, "postgres")
        run([*RUNAS, str(PGBIN / "initdb"), "-D", str(self.data), "-U", "qingyuan", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"])
        archive = f"{DEPLOY / 'qingyuan-wal-archive'} %p %f {self.wal}"
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:  # as docs/deployment.md says
            conf.write(f"wal_level = replica\narchive_mode = on\narchive_command = '{archive}'\n")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.base} -c fsync=off"
        run([*RUNAS, str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "log"), "-w", "-o", options,
             "start"])
        run([*RUNAS, str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "qingyuan", "qingyuan"])

    def stop(self) -> None:
        run([*RUNAS, str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"], check=False)

    def script(self, name: str, **env: str) -> subprocess.CompletedProcess[str]:
        return run([*RUNAS, "env", *(f"{k}={v}" for k, v in {**self.env, **env}.items()), str(DEPLOY / name)],
                   check=False)

    def sql(self, query: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def write_readings(self, point_id: int, first: int, count: int) -> None:
        rows = [(point_id, "minute", START + dt.timedelta(minutes=first + i), "w01018", 20.0 + i, "N", "")
                for i in range(count)]
        import psycopg

        with psycopg.connect(self.url) as conn, conn.cursor() as cursor:
            cursor.executemany(
                'INSERT INTO monitoring_reading (point_id, kind, "time", parameter, avg, flag, eflag)'
                " VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)

    def archive_now(self) -> str:
        """Close the current WAL segment and wait until the archiver has copied it."""
        (segment,) = self.sql("SELECT pg_walfile_name(pg_switch_wal())")[0]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if (self.wal / str(segment)).exists():
                return str(segment)
            time.sleep(0.1)
        raise AssertionError(f"segment {segment} was not archived: {sorted(p.name for p in self.wal.iterdir())}")


MAKE_POINT = """
from django.core.management import call_command
call_command("createcachetable")  # saving a point bumps the loads cache (core is not migrated here)
from qingyuan.enterprises.creditcode import make
from qingyuan.enterprises.models import Enterprise, MonitoringPoint, Outlet
from qingyuan.org.models import Park
park = Park.objects.create(name="drill", code="drill", county="drill")
enterprise = Enterprise.objects.create(park=park, name="drill", credit_code=make("91361123DRA000001"),
    legal_representative="-", industry="C26", address="-", risk_class="general")
outlet = Outlet.objects.create(enterprise=enterprise, medium="water", code="DW001", name="-")
print(MonitoringPoint.objects.create(park=park, outlet=outlet, name="P1", mn="DRILL000000001", password="p", st="32").pk)
"""


@pytest.fixture(scope="module")
def primary():
    if not HAVE_POSTGRES:
        pytest.skip(f"no PostgreSQL binaries at {PGBIN} (set PGBIN)")
    if RUNAS:
        run(["sh", "-c", "id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres"])
    base = Path(tempfile.mkdtemp(prefix="qingyuan-backup-test-"))
    server = Primary(base)
    try:
        server.start()
        django = {"DATABASE_URL": server.url, "DJANGO_SETTINGS_MODULE": "qingyuan.settings"}
        run([sys.executable, str(ROOT / "manage.py"), "migrate", "monitoring", "-v0"], env=django)
        made = run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", MAKE_POINT], env=django)
        server.point_id = int(made.stdout.split()[-1])  # type: ignore[attr-defined]
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@needs_postgres
def test_it_restores_rows_written_after_the_base_backup_from_the_wal_archive(primary):
    primary.write_readings(primary.point_id, 0, 30)
    first = primary.script("qingyuan-backup", BACKUP_KEEP="1")
    assert first.returncode == 0, first.stderr
    time.sleep(1.1)  # backups are named by the second
    second = primary.script("qingyuan-backup", BACKUP_KEEP="1")
    assert second.returncode == 0, second.stderr
    kept = sorted(p.name for p in primary.backups.iterdir())
    assert kept == [Path(second.stdout.strip()).name]  # BACKUP_KEEP=1: the older one is gone
    assert {"base.tar.gz", "backup_manifest", "SHA256SUMS"} <= {p.name for p in Path(second.stdout.strip()).iterdir()}
    label = run(["tar", "-xzOf", str(Path(second.stdout.strip()) / "base.tar.gz"), "backup_label"]).stdout
    start = re.search(r"START WAL LOCATION: .* \(file ([0-9A-F]{24})\)", label).group(1)
    segments = [p.name for p in primary.wal.iterdir() if re.fullmatch(r"[0-9A-F]{24}", p.name)]
    assert all(name >= start for name in segments), (start, segments)  # older WAL pruned with the old backup

    primary.write_readings(primary.point_id, 30, 45)  # after the backup: only in the archived WAL
    primary.archive_now()
    (count, newest), = primary.sql('SELECT count(*), max("time") FROM monitoring_reading')
    assert count == 75

    drill = primary.script("qingyuan-restore-drill")
    assert drill.returncode == 0, drill.stdout + drill.stderr
    out = drill.stdout
    assert "restore drill passed" in out
    assert re.search(r"^migrations applied: [1-9]\d*$", out, re.M), out
    assert f"rows monitoring_reading: {count}\n" in out  # 30 in the backup + 45 from the archive
    assert "rows enterprises_monitoringpoint: 1\n" in out
    restored = re.search(r"^newest reading: (.+)$", out, re.M).group(1)
    assert dt.datetime.fromisoformat(restored) == newest == START + dt.timedelta(minutes=74)
    assert not list(primary.base.glob("qingyuan-drill.*"))  # the throwaway cluster is removed


@needs_postgres
def test_it_fails_the_drill_when_a_key_table_is_missing(primary):
    if not any(primary.backups.glob("base-*")):
        assert primary.script("qingyuan-backup").returncode == 0
    drill = primary.script("qingyuan-restore-drill", DRILL_TABLES=f"{TABLES} no_such_table")
    assert drill.returncode != 0
    assert "table no_such_table is missing" in drill.stderr
    assert "restore drill passed" not in drill.stdout
    assert not list(primary.base.glob("qingyuan-drill.*"))


@needs_postgres
def test_it_refuses_a_backup_whose_checksum_does_not_match(primary):
    if not any(primary.backups.glob("base-*")):  # run alone (pytest -k, or another xdist worker)
        assert primary.script("qingyuan-backup").returncode == 0
    newest = sorted(primary.backups.glob("base-*"))[-1]
    copy = primary.backups / "base-99991231T235959Z"  # sorts last: the drill takes it
    shutil.copytree(newest, copy)
    try:
        with open(copy / "base.tar.gz", "r+b") as f:
            f.seek(100)
            byte = f.read(1)
            f.seek(100)
            f.write(bytes([byte[0] ^ 0xFF]))
        if RUNAS:
            run(["chown", "-R", "postgres", str(copy)])
        drill = primary.script("qingyuan-restore-drill")
        assert drill.returncode != 0
        assert "checksums of" in drill.stderr and "do not match" in drill.stderr
    finally:
        shutil.rmtree(copy)


def test_it_archives_a_segment_once_and_never_overwrites_it_with_other_bytes(tmp_path):
    script = str(DEPLOY / "qingyuan-wal-archive")
    archive = tmp_path / "wal"
    archive.mkdir()
    segment = tmp_path / "000000010000000000000003"
    segment.write_bytes(b"\x01" * 4096)
    assert run([script, str(segment), segment.name, str(archive)], check=False).returncode == 0
    assert (archive / segment.name).read_bytes() == segment.read_bytes()
    assert run([script, str(segment), segment.name, str(archive)], check=False).returncode == 0  # a retry
    segment.write_bytes(b"\x02" * 4096)
    refused = run([script, str(segment), segment.name, str(archive)], check=False)
    assert refused.returncode == 1 and "not overwritten" in refused.stderr
    assert (archive / segment.name).read_bytes() == b"\x01" * 4096
    assert [p.name for p in archive.iterdir()] == [segment.name]  # no temporary file left
