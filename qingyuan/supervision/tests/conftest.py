"""Notifications are written on commit; inside a test's transaction, run them at once."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _notify_at_once(request: Any, monkeypatch: Any) -> None:
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return
    monkeypatch.setattr("qingyuan.core.notify.transaction.on_commit", lambda func, *a, **k: func())
