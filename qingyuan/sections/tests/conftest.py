from __future__ import annotations

from typing import Any

import pytest
import time_machine

from qingyuan.sections.actions import do_create_section
from qingyuan.test import World


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False) as traveller:
        yield traveller


@pytest.fixture
def outbound(world: World, frozen: Any) -> Any:
    return do_create_section(world.park, acting_user=world.regulator, name="青溪河出境断面", kind="outbound",
                             river="青溪河", target_class="III", order=3)


@pytest.fixture
def inbound(world: World, frozen: Any) -> Any:
    return do_create_section(world.park, acting_user=world.regulator, name="青溪河入境断面", kind="inbound",
                             river="青溪河", target_class="II", order=1)
