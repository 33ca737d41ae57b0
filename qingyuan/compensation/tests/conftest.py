from __future__ import annotations

from typing import Any

import pytest
import time_machine

from qingyuan.compensation.tests.county import County, make_county


@pytest.fixture
def county(world: Any) -> County:
    return make_county(world)


@pytest.fixture
def december() -> Any:
    """Tests run on 5 December 2026, after the schedule's dates."""
    with time_machine.travel("2026-12-05 10:00 +0800", tick=False):
        yield
