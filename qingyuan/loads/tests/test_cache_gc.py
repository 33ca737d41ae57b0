"""``loads.cache`` computes figures with the cyclic garbage collector paused, and gives it back as it found it."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from qingyuan.loads import cache

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 29)


def test_it_pauses_the_collector_while_computing_and_enables_it_again():
    seen: list[bool] = []

    value = cache.cached("gc-test", 1, DAY, compute=lambda: seen.append(gc.isenabled()) or 42)

    assert value == 42 and seen == [False]
    assert gc.isenabled()


def test_it_leaves_the_collector_off_when_it_was_off_and_on_after_a_failed_computation():
    def failing() -> int:
        raise ValueError("broken")

    gc.disable()
    try:
        cache.cached("gc-test", 2, DAY, compute=lambda: 1)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):
        cache.cached("gc-test", 3, DAY, compute=failing)
    assert gc.isenabled()
