from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_engine():
    """The alarm engine caches contexts and series per process; every test starts from the database."""
    from qingyuan.alarms import engine

    engine.reset()
    yield
    engine.reset()
