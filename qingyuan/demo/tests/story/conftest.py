"""The demo county as `make demo` seeds it (13 months of hourly values), seeded once for this package.

The story's invariants and the apps' parts of the story (test_story.py) read the same county, so a test run
pays for one whole demo seed here instead of one per app. They are one module, so ``--dist loadscope`` (the
Makefile) runs them on one worker and seeds once. The seed runs inside a transaction rolled back at the end;
each test runs inside its own savepoint.
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
