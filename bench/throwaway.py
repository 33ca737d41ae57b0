"""A throwaway database for a benchmark: a SQLite file in a temporary directory, or a test database beside
DATABASE_URL's on PostgreSQL (``bin/with-postgres``); created before the run and destroyed after it, so
nothing is written to the configured database. Import after ``django.setup()``."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    from django.db import connection

    if connection.vendor == "sqlite":
        tmp = tempfile.mkdtemp(prefix="qingyuan-bench-")
        connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}),
                                            "NAME": os.path.join(tmp, f"{name}.sqlite3")}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
