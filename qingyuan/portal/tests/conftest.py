from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from qingyuan.portal.tests import county as county_module


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> Any:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "portal-tests"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county(world: Any) -> county_module.County:
    return county_module.build(world)
