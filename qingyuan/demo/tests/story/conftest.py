"""The demo county as `make demo` seeds it (13 months of hourly values), seeded once for this package.

The story's invariants and the apps' parts of the story (test_story.py) read the same county, so a test run
pays for one whole demo seed here instead of one per app. (Not ``--dist loadscope``, which would keep the module
on one worker: it sends modules largest first, which undoes pytest-django's order of the transactional tests
after the others, so their flushes wipe what the migrations wrote under later tests.) The seed runs inside a
transaction rolled back at the end; each test runs inside its own savepoint.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qingyuan.demo import story
from qingyuan.test import rolled_back_county


@pytest.fixture(scope="package")
def county(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    media = str(tmp_path_factory.mktemp("story-media"))

    def seed() -> dict[str, Any]:
        call_command("seed_demo", stdout=io.StringIO())
        return {"today": timezone.localdate(), "cal": story.calendar(), "media": media}

    with rolled_back_county(django_db_blocker, seed, QINGYUAN_DEMO_HOURLY_DAYS=0, MEDIA_ROOT=media) as county:
        yield county


@pytest.fixture
def demo(county: dict[str, Any], db: Any, settings: Any) -> dict[str, Any]:
    """The county for one test, with the media directory its seed wrote the attachments to."""
    settings.MEDIA_ROOT = county["media"]
    return county
