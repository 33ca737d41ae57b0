"""Scaffolding of the tests that run compaction in another process (kill -9, --processes): not a test module.

The test database is copied into a SQLite file (``copy_test_database``), a child process works on that
file (``child_env``: the environment pointing Django at it; ``manage``: a ``manage.py`` command on it),
and the test reads the file afterwards. SQLite only: elsewhere the test is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def copy_test_database(path: Path) -> Path:
    """The test database (with what the test wrote) copied to ``path``; skips the test off SQLite."""
    if connection.vendor != "sqlite":
        pytest.skip("the subprocess runs on a SQLite file copied from the test database")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    return path


def child_env(path: Path | str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "QINGYUAN_VAR_DIR": str(Path(path).parent),
            "DJANGO_SETTINGS_MODULE": "qingyuan.settings", "PYTHONPATH": str(ROOT)}


def manage(path: Path, *args: str, **popen: Any) -> subprocess.Popen[Any]:
    """``manage.py <args>`` on the database file, started (stdout and stderr piped unless given)."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=child_env(path), **popen)
