"""The system checks of the retention settings (monitoring.checks; docs/storage.md "Retention and legal hold")."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from qingyuan.monitoring.checks import FIVE_YEARS_DAYS


def ours() -> dict[str, tuple[str, str]]:
    return {m.id: (m.msg, m.hint or "") for m in run_checks() if (m.id or "").startswith("monitoring.")}


def test_it_is_silent_on_the_defaults() -> None:
    assert ours() == {}


@pytest.mark.parametrize(("setting", "check_id"), [("QINGYUAN_RETAIN_MINUTE_DAYS", "monitoring.W001"),
                                                   ("QINGYUAN_RETAIN_RAW_DAYS", "monitoring.W002")])
def test_it_warns_below_the_five_year_ledger_period(setting: str, check_id: str) -> None:
    """排污许可管理条例: environmental management ledger kept no less than 5 years (docs/storage.md)."""
    with override_settings(**{setting: FIVE_YEARS_DAYS - 1, "QINGYUAN_RETAIN_REALTIME_DAYS": 30}):
        found = ours()
    assert list(found) == [check_id]
    msg, hint = found[check_id]
    assert f"{FIVE_YEARS_DAYS - 1} days" in msg and setting in msg
    assert "排污许可管理条例" in hint and "5 years" in hint
    with override_settings(**{setting: FIVE_YEARS_DAYS}):
        assert ours() == {}


@pytest.mark.parametrize("bad", [0, -5, "2192", 3.5, None, True])
def test_it_errors_on_a_window_that_is_not_a_positive_integer(bad: object) -> None:
    with override_settings(QINGYUAN_RETAIN_RAW_DAYS=bad):
        found = ours()
    assert list(found) == ["monitoring.E001"]
    assert "QINGYUAN_RETAIN_RAW_DAYS" in found["monitoring.E001"][0] and repr(bad) in found["monitoring.E001"][0]


def test_it_errors_when_realtime_outlives_minute_readings() -> None:
    with override_settings(QINGYUAN_RETAIN_REALTIME_DAYS=2193, QINGYUAN_RETAIN_MINUTE_DAYS=2192):
        assert list(ours()) == ["monitoring.E002"]
    with override_settings(QINGYUAN_RETAIN_REALTIME_DAYS=2192, QINGYUAN_RETAIN_MINUTE_DAYS=2192):
        assert ours() == {}
