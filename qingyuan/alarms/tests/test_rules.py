"""Table tests for every alarm rule (pure functions, hand-computed expectations)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qingyuan.alarms.choices import AlarmKind as K
from qingyuan.alarms.rules import (
    LimitRule,
    RuleConfig,
    exceedance,
    flag_state,
    flow_consistency,
    missing,
    negative,
    offline,
    quiet_band,
    stuck,
    sudden_drop,
)

CFG = RuleConfig()
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
M10 = dt.timedelta(minutes=10)
DAILY = LimitRule("daily_mean", value=100.0, unit="mg/L")
HOURLY = LimitRule("hourly_mean", value=200.0, unit="mg/m3")
PH = LimitRule("daily_mean", low=6.0, high=9.0)


@pytest.mark.parametrize(("period", "mean", "valid", "limit", "kind"), [
    ("day", 100.01, True, DAILY, K.EXCEEDANCE),            # strictly above a daily limit, daily mean
    ("day", 100.0, True, DAILY, K.APPROACHING),            # equal complies (民法典 Art. 1259) but is ≥ 80 %
    ("day", 80.0, True, DAILY, K.APPROACHING),             # exactly 80 %
    ("day", 79.99, True, DAILY, None),
    ("day", 150.0, False, DAILY, None),                    # invalid data never judge exceedance
    ("day", None, True, DAILY, None),
    ("hour", 150.0, True, DAILY, K.EXCEEDANCE_WARNING),    # hourly mean above a daily-mean limit: warning
    ("hour", 90.0, True, DAILY, None),                     # approaching only on the limit's own basis
    ("hour", 200.5, True, HOURLY, K.EXCEEDANCE),           # gas: hourly basis
    ("hour", 200.0, True, HOURLY, K.APPROACHING),
    ("day", 250.0, True, HOURLY, None),                    # a daily mean is not the test of an hourly limit
    ("day", 9.1, True, PH, K.EXCEEDANCE),                  # pH range 6–9
    ("day", 5.9, True, PH, K.EXCEEDANCE),
    ("day", 9.0, True, PH, None),                          # boundaries comply; no "approaching" for ranges
    ("day", 6.0, True, PH, None),
    ("day", 120.0, True, None, None),                      # no limit: nothing to judge
])
def test_it_judges_means_against_limits_on_their_basis(period, mean, valid, limit, kind):
    f = exceedance(period, T0, T0 + H, "w01018", mean, valid, limit, CFG)
    assert (f.kind if f else None) == kind
    if f is not None:
        assert (f.start, f.end, f.value, f.parameter) == (T0, T0 + H, mean, "w01018")


def test_it_reports_the_exceedance_multiple_and_uses_the_configured_share():
    f = exceedance("day", T0, T0 + H, "w01018", 150.0, True, DAILY, CFG)
    assert f.limit == 100.0 and f.detail["multiple"] == 0.5  # (150 − 100) / 100
    strict = RuleConfig(approach_share=0.95)
    assert exceedance("day", T0, T0 + H, "w01018", 90.0, True, DAILY, strict) is None
    assert exceedance("day", T0, T0 + H, "w01018", 95.0, True, DAILY, strict).kind == K.APPROACHING


@pytest.mark.parametrize(("period", "limit", "band"), [
    ("day", DAILY, (-math.inf, 80.0)),                    # below the approach share of a limit on its basis
    ("hour", DAILY, (-math.inf, 100.0)),                  # hourly means against a daily limit: warnings only
    ("hour", HOURLY, (-math.inf, 160.0)),
    ("day", HOURLY, (-math.inf, math.inf)),               # a daily mean never tests an hourly limit
    ("day", PH, (6.0, 9.0)),                              # a range: its upper bound itself is left to the rule
    ("hour", PH, (6.0, 9.0)),
    ("day", LimitRule("hourly_mean", low=6.0, high=9.0), (-math.inf, math.inf)),
    ("day", LimitRule("daily_mean"), (-math.inf, math.inf)),
])
def test_it_gives_the_band_where_a_mean_raises_nothing(period, limit, band):
    assert quiet_band(period, limit, CFG) == band


LIMITS = st.one_of(
    st.builds(LimitRule, st.sampled_from(["hourly_mean", "daily_mean"]), value=st.floats(-10, 300)),
    st.builds(LimitRule, st.sampled_from(["hourly_mean", "daily_mean"]), low=st.floats(-10, 10),
              high=st.floats(-10, 20)),
    st.builds(LimitRule, st.sampled_from(["hourly_mean", "daily_mean"])),
)


@given(st.sampled_from(["hour", "day"]), LIMITS, st.floats(0.0, 2.0), st.floats(allow_nan=False))
def test_it_finds_nothing_in_the_quiet_band(period, limit, share, mean):
    """The engine's shortcut is safe: inside the band ``exceedance`` finds nothing."""
    cfg = RuleConfig(approach_share=share)
    floor, ceiling = quiet_band(period, limit, cfg)
    if floor <= mean < ceiling:
        assert exceedance(period, T0, T0 + H, "w01018", mean, True, limit, cfg) is None


@pytest.mark.parametrize(("flag", "kind"), [
    ("D", K.FAULT), ("M", K.MAINTENANCE), ("C", K.CALIBRATION), ("B", K.COMM_ERROR), ("T", K.OVER_RANGE),
    ("t", K.OVER_RANGE), ("N", None), ("F", None), ("", None), ("S", None),
])
def test_it_turns_instrument_flags_into_alarms(flag, kind):
    f = flag_state("w01018", T0, T0 + M10, flag, 42.0)
    assert (f.kind if f else None) == kind


@pytest.mark.parametrize(("value", "signed", "found"), [
    (-0.1, True, True), (0.0, True, False), (3.0, True, False), (None, True, False), (-3.0, False, False),
])
def test_it_finds_negative_values(value, signed, found):
    f = negative("w01018", T0, T0 + M10, value, signed=signed)
    assert (f is not None) is found
    if f:
        assert f.kind == K.NEGATIVE and f.value == value


def _series(values, step=M10, start=T0):
    return [(start + step * i, v) for i, v in enumerate(values)]


@pytest.mark.parametrize(("values", "kinds"), [
    ([5.0] * 6, [K.CONSTANT]),                       # 6 × 10 min = 60 min, ≥ 3 records
    ([5.0] * 5, []),                                 # 50 min: not yet
    ([4.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0], [K.CONSTANT]),
    ([5.0, 5.0, 5.0, 5.1, 5.0, 5.0, 5.0], []),       # broken runs
    ([0.0] * 6, [K.ZERO]),                           # zeros for 60 min
    ([0.0] * 5, []),                                 # zeros for 50 min
    ([3.0, 2.9, 3.1, 3.0, 3.2, 3.1], []),            # a normal noisy signal
])
def test_it_finds_constant_and_zero_runs(values, kinds):
    found = stuck("w01018", _series(values), interval=M10, hourly=False, new_from=T0, cfg=CFG)
    assert [f.kind for f in found] == kinds


def test_it_does_not_call_a_stopped_flow_zero_values():
    assert stuck("w00000", _series([0.0] * 8), interval=M10, hourly=False, new_from=T0, cfg=CFG, zeros=False) == []


def test_it_reports_a_constant_run_with_its_span_and_breaks_it_at_a_gap():
    found = stuck("w01018", _series([7.0] * 8), interval=M10, hourly=False, new_from=T0, cfg=CFG)
    assert (found[0].start, found[0].end, found[0].value, found[0].detail["records"]) == (T0, T0 + 80 * MIN, 7.0, 8)
    gap = _series([7.0] * 4) + _series([7.0] * 4, start=T0 + dt.timedelta(hours=2))
    assert stuck("w01018", gap, interval=M10, hourly=False, new_from=T0, cfg=CFG) == []


def test_it_only_reports_runs_that_reach_the_new_data():
    points = _series([7.0] * 7 + [8.0, 9.0])
    assert stuck("w01018", points, interval=M10, hourly=False, new_from=T0 + 8 * M10, cfg=CFG) == []
    assert len(stuck("w01018", points, interval=M10, hourly=False, new_from=T0 + 6 * M10, cfg=CFG)) == 1


def test_it_counts_hourly_records_for_constant_hourly_values():
    assert [f.kind for f in stuck("w01018", _series([5.0] * 6, step=H), interval=H, hourly=True,
                                  new_from=T0, cfg=CFG)] == [K.CONSTANT]
    assert stuck("w01018", _series([5.0] * 5, step=H), interval=H, hourly=True, new_from=T0, cfg=CFG) == []


MIN = dt.timedelta(minutes=1)


@pytest.mark.parametrize(("values", "limit", "drops"), [
    ([80.0, 82.0, 81.0, 30.0], 100.0, [63.41]),       # 82 → 30: (82 − 30) / 82 = 63.41 % > 50 %
    ([80.0, 82.0, 81.0, 41.0], 100.0, []),            # exactly 50 %: not more than
    ([80.0, 82.0, 81.0, 40.9], 100.0, [50.12]),
    ([15.0, 16.0, 15.0, 4.0], 100.0, []),             # from 16 (< 20 % of the limit): not watched
    ([15.0, 16.0, 15.0, 4.0], None, [75.0]),          # no limit known: any level is watched
    ([80.0, 80.0, 80.0, 80.0, 80.0, 80.0, 80.0, 30.0], 100.0, [62.5]),
])
def test_it_finds_sudden_drops_within_the_window(values, limit, drops):
    found = sudden_drop("w01018", _series(values), interval=M10, new_from=T0, limit=limit, cfg=CFG)
    assert [f.value for f in found] == drops
    assert all(f.kind == K.SUDDEN_DROP and f.limit == 50.0 for f in found)


def test_it_ignores_a_drop_from_a_value_older_than_the_window():
    points = [(T0, 90.0), (T0 + 70 * MIN, 30.0)]  # 70 minutes apart: outside the 60-minute window
    assert sudden_drop("w01018", points, interval=M10, new_from=T0, limit=100.0, cfg=CFG) == []


@pytest.mark.parametrize(("flow", "conc", "flow_expected", "kinds"), [
    (0.0, {"w01018": 40.0}, True, [K.CONC_NO_FLOW]),             # concentrations while the flow is 0
    (None, {"w01018": 40.0}, True, [K.CONC_NO_FLOW]),            # no flow data from a point that must send it
    (None, {"w01018": 40.0}, False, []),                         # a point without a flow meter
    (5.0, {}, True, [K.FLOW_NO_CONC]),                           # flow but no pollutant data
    (5.0, {"w01018": None}, True, [K.FLOW_NO_CONC]),
    (5.0, {"w01018": 40.0}, True, []),
    (0.0, {"w01018": 0.0}, True, []),                            # everything stopped
    (5.0, {"w21003": 2.0}, True, []),                            # another expected pollutant arrived
])
def test_it_checks_flow_against_concentrations(flow, conc, flow_expected, kinds):
    found = flow_consistency(T0, T0 + H, "w00000", flow, conc, frozenset({"w01018", "w21003"}), flow_expected)
    assert [f.kind for f in found] == kinds


@pytest.mark.parametrize(("minutes_since", "found"), [
    (10, False), (21, False), (22, False),   # the next record (10:10) is due at 10:20 + 2 min grace
    (23, True), (60, True),
])
def test_it_finds_missing_data_after_an_overdue_record(minutes_since, found):
    last = T0  # newest minute record: the slice 08:00–08:10
    f = missing(T0 + dt.timedelta(minutes=minutes_since), last, M10, CFG)
    assert (f is not None) is found
    if f:
        assert f.kind == K.MISSING and f.start == T0 + M10 and f.parameter == ""


def test_it_counts_k_intervals_for_missing_data():
    cfg = RuleConfig(missing_intervals=3)
    assert missing(T0 + dt.timedelta(minutes=42), T0, M10, cfg) is None
    assert missing(T0 + dt.timedelta(minutes=43), T0, M10, cfg).detail["records"] == 3
    assert missing(T0, None, M10, CFG) is None


@pytest.mark.parametrize(("hours", "found"), [(1.0, False), (2.0, False), (2.01, True), (30, True)])
def test_it_finds_offline_devices(hours, found):
    f = offline(T0 + dt.timedelta(hours=hours), T0, CFG)
    assert (f is not None) is found
    if f:
        assert f.kind == K.OFFLINE and f.start == T0 and f.limit == 2.0
