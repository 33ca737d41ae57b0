"""The patrol interval rule, as a table (docs/inspections.md shows the same table)."""

import pytest

from qingyuan.inspections.frequency import LADDER, patrol_interval

TABLE = [
    # risk class, status, recent pressure → days between patrols
    ("general", "operating", 0, 30),
    ("higher", "operating", 0, 14),
    ("major", "operating", 0, 7),
    ("major", "rectified", 0, 7),
    ("general", "rectifying", 0, 14),
    ("higher", "rectifying", 0, 7),
    ("major", "rectifying", 0, 3),
    ("general", "suspended", 0, 60),
    ("major", "suspended", 0, 14),
    ("general", "operating", 1, 14),
    ("general", "operating", 2, 14),
    ("general", "operating", 3, 7),
    ("general", "operating", 5, 7),
    ("general", "operating", 6, 3),
    ("general", "operating", 60, 3),
    ("higher", "operating", 6, 1),
    ("major", "rectifying", 6, 1),
    ("major", "operating", 1, 3),
    ("general", "closed", 0, 60),
    ("major", "closed", 0, 60),
    ("major", "relocated", 1, 30),
    ("general", "transformed", 6, 7),
]


@pytest.mark.parametrize(("risk", "status", "pressure", "days"), TABLE)
def test_it_sets_the_interval_by_risk_status_and_pressure(risk, status, pressure, days):
    assert patrol_interval(risk, status, pressure) == days


def test_it_never_patrols_less_often_under_more_pressure():
    for risk in ("general", "higher", "major"):
        for status in ("operating", "rectifying", "rectified", "suspended", "closed", "relocated", "transformed"):
            days = [patrol_interval(risk, status, p) for p in range(12)]
            assert days == sorted(days, reverse=True), (risk, status)
            assert set(days) <= set(LADDER)


def test_it_patrols_riskier_enterprises_at_least_as_often():
    for status in ("operating", "rectifying", "suspended"):
        for p in range(8):
            assert patrol_interval("major", status, p) <= patrol_interval("higher", status, p) \
                <= patrol_interval("general", status, p)


def test_it_refuses_unknown_risk_classes_and_statuses():
    with pytest.raises(ValueError):
        patrol_interval("extreme", "operating", 0)
    with pytest.raises(ValueError):
        patrol_interval("major", "bankrupt", 0)
