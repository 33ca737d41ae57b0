"""The seeded demo county, built once per test module (and per xdist worker), for the sweeps.

``demo`` seeds the county inside a transaction that is rolled back when the module ends;
every test still runs inside its own savepoint (pytest-django's ``db``), so what one role's
requests change is undone before the next role's test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from qingyuan.demo.tests.sweep_data import Demo, seed_demo


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Demo]:
    media = str(tmp_path_factory.mktemp("demo-media"))
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=media,
            LANGUAGE_CODE="zh-hans"):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_demo(media)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(demo: Demo, db: Any, settings: Any) -> Demo:
    """The demo county for one test: its media directory is the one the seed wrote to."""
    settings.MEDIA_ROOT = demo.media
    return demo
