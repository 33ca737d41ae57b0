from __future__ import annotations

from typing import Any

import pytest
import time_machine

from qingyuan.test import World


@pytest.fixture
def frozen() -> Any:
    """Today is 2026-11-29 (Asia/Shanghai) in every load test."""
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False) as traveller:
        yield traveller


@pytest.fixture
def park_world(world: World, frozen: Any) -> World:
    return world
