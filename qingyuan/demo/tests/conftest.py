"""The seeded demo county, built once per test module (and per xdist worker), for the sweeps.

``demo`` seeds the county inside a transaction that is rolled back when the module ends;
every test still runs inside its own savepoint (pytest-django's ``db``), so what one role's
requests change is undone before the next role's test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from qingyuan.demo.tests.sweep_data import Demo, seed_demo
from qingyuan.test import rolled_back_county


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Demo]:
    media = str(tmp_path_factory.mktemp("demo-media"))
    with rolled_back_county(django_db_blocker, lambda: seed_demo(media), MEDIA_ROOT=media,
                            LANGUAGE_CODE="zh-hans") as county:
        yield county


@pytest.fixture
def seeded(demo: Demo, db: Any, settings: Any) -> Demo:
    """The demo county for one test: its media directory is the one the seed wrote to."""
    settings.MEDIA_ROOT = demo.media
    return demo
