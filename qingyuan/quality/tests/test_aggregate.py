"""Flow-weighted and arithmetic means, masses and device comparisons on worked examples (hand-computed)."""

from __future__ import annotations

import pytest

from qingyuan.quality.aggregate import Sample, Stats, from_parts, from_samples, slice_volume, with_device
from qingyuan.quality.conf import QualitySettings
from qingyuan.quality.mass import mass_kg

CFG = QualitySettings()

# One hour of 10-minute water data: COD (mg/L) and flow (L/s).
#   slice:       0    1    2    3    4    5
#   COD mg/L    40   40   60   60   80   80
#   flow L/s     5    5   10   10   20   20  → volume = flow × 600 s / 1000 = 3 3 6 6 12 12 m³
# Σ V = 42 m³; Σ C·V = 120+120+360+360+960+960 = 2880 (mg/L·m³ = g)
# flow-weighted = 2880 / 42 = 68.5714…; arithmetic = 360 / 6 = 60; mass = 2880 g = 2.88 kg
COD = [40, 40, 60, 60, 80, 80]
FLOW = [5, 5, 10, 10, 20, 20]


def _hour(cod=COD, flow=FLOW, flags=None):
    flags = flags or ["N"] * 6
    flows = [Sample(i, q, flag="N") for i, q in enumerate(flow)]
    volumes = {s.time: slice_volume("w00000", s, 600, CFG) for s in flows}
    samples = [Sample(i, c, flag=f) for i, (c, f) in enumerate(zip(cod, flags, strict=True))]
    return from_samples("w01018", samples, volumes, expected=6, water=True, cfg=CFG, min_valid=5), volumes


def test_it_computes_flow_weighted_and_arithmetic_means():
    stats, volumes = _hour()
    assert [volumes[i] for i in range(6)] == pytest.approx([3, 3, 6, 6, 12, 12])
    assert stats.mean_fw == pytest.approx(2880 / 42)
    assert stats.mean_arith == pytest.approx(60.0)
    assert stats.mean == stats.mean_fw  # compliance uses the flow-weighted mean
    assert stats.mass_kg == pytest.approx(2.88)
    assert stats.volume_m3 == pytest.approx(42)
    assert (stats.min, stats.max) == (40, 80)
    assert (stats.n_expected, stats.n_received, stats.n_valid, stats.valid) == (6, 6, 6, True)
    assert stats.source == "computed" and stats.unit == "mg/L"


def test_it_leaves_invalid_slices_out_and_invalidates_a_thin_hour():
    stats, _ = _hour(flags=["N", "N", "D", "N", "N", "M"])
    # valid slices 0, 1, 3, 4: Σ C·V = 120 + 120 + 360 + 960 = 1560; Σ V = 3 + 3 + 6 + 12 = 24
    assert stats.n_valid == 4 and stats.valid is False  # 4 < 5 of 6
    assert stats.mean_fw == pytest.approx(1560 / 24)
    assert stats.mean_arith == pytest.approx((40 + 40 + 60 + 80) / 4)
    assert stats.mass_kg == pytest.approx(1.56)
    assert stats.flags == "DMN"


def test_it_invalidates_water_concentrations_while_the_flow_is_zero():
    stats, _ = _hour(flow=[5, 5, 10, 10, 20, 0])
    # slice 5 (flow 0) is invalid: Σ C·V = 120+120+360+360+960 = 1920 over 30 m³
    assert stats.n_valid == 5 and stats.valid is True
    assert stats.mean_fw == pytest.approx(64.0)
    assert stats.mean_arith == pytest.approx(56.0)


def test_it_falls_back_to_the_arithmetic_mean_without_flow():
    samples = [Sample(i, c, flag="N") for i, c in enumerate(COD)]
    stats = from_samples("w01018", samples, {}, expected=6, water=True, cfg=CFG, min_valid=5)
    assert stats.mean_fw is None and stats.mass_kg is None
    assert stats.mean == pytest.approx(60.0)


def test_it_sums_the_flow_volume_on_the_flow_row():
    flows = [Sample(i, q, flag="N") for i, q in enumerate(FLOW)]
    volumes = {s.time: slice_volume("w00000", s, 600, CFG) for s in flows}
    stats = from_samples("w00000", flows, volumes, expected=6, water=True, cfg=CFG, min_valid=5)
    assert stats.volume_m3 == pytest.approx(42) and stats.mass_kg is None
    assert stats.mean == pytest.approx(70 / 6)  # mean flow in L/s


def test_it_prefers_the_flow_total_for_a_slice_volume():
    assert slice_volume("w00000", Sample(0, 5.0, cou=3.5, flag="N"), 600, CFG) == 3.5  # Cou in m³
    assert slice_volume("a00000", Sample(0, 14.0, flag="N"), 600, CFG) == pytest.approx(8400)  # m³/s × s
    assert slice_volume("w00000", Sample(0, 5.0, flag="D"), 600, CFG) is None  # invalid flow: unknown volume


@pytest.mark.parametrize(("code", "concentration", "volume", "kg"), [
    ("w01018", 50.0, 1000.0, 50.0),         # COD: mg/L × m³ = g → × 10⁻³
    ("w21003", 8.0, 500.0, 4.0),            # NH3-N
    ("a21026", 100.0, 1_000_000.0, 100.0),  # SO2: mg/m³ × m³ = mg → × 10⁻⁶
    ("a34013", 20.0, 50_000.0, 1.0),        # particulates
    ("w01001", 7.0, 1000.0, None),          # pH has no mass
])
def test_it_converts_mass_units(code, concentration, volume, kg):
    result = mass_kg(code, concentration, volume)
    assert result == (pytest.approx(kg) if kg is not None else None)


def _stats(mean, volume, mass, valid=True):
    return Stats("w01018", "mg/L", "computed", valid, 6, 6, 6 if valid else 2, mean=mean, mean_arith=mean,
                 volume_m3=volume, mass_kg=mass)


def test_it_builds_a_day_from_its_hours_flow_weighted():
    # hours: 60 mg/L over 100 m³ (6 kg), 20 mg/L over 300 m³ (6 kg), one invalid hour (1 kg over 10 m³)
    hours = [_stats(60, 100, 6.0), _stats(20, 300, 6.0), _stats(100, 10, 1.0, valid=False)]
    day = from_parts("w01018", hours, expected=24, min_valid=2)
    assert day.n_valid == 2 and day.n_received == 3 and day.valid
    assert day.mean_fw == pytest.approx(12.0 / 400 / 1e-3)  # 30 mg/L
    assert day.mean_arith == pytest.approx(40.0)
    assert day.mass_kg == pytest.approx(13.0)  # mass adds up over every hour's measured mass
    assert from_parts("w01018", hours, expected=24, min_valid=20).valid is False


def test_it_keeps_the_devices_value_and_marks_a_mismatch():
    computed, _ = _hour()  # fw 68.57, arith 60
    close = with_device("w01018", computed, Sample("h", 66.0, flag="N"), expected=6, device_volume=42, cfg=CFG)
    assert close.source == "device" and close.mean == 66.0 and close.device_mean == 66.0
    assert close.mean_fw == pytest.approx(2880 / 42) and close.mass_kg == pytest.approx(2.88)
    assert close.mismatch is False  # within 10 % of the flow-weighted mean
    far = with_device("w01018", computed, Sample("h", 30.0, flag="N"), expected=6, device_volume=42, cfg=CFG)
    assert far.mismatch is True
    cou = with_device("w01018", computed, Sample("h", 66.0, cou=5.0, flag="N"), expected=6, device_volume=42,
                      cfg=CFG)
    assert cou.mismatch is True  # device total 5 kg vs 2.88 kg computed


def test_it_uses_the_devices_hour_when_there_are_no_minute_data():
    only = with_device("w01018", None, Sample("h", 50.0, flag="N"), expected=6, device_volume=1000, cfg=CFG)
    assert only.valid and only.mean == 50.0 and only.mass_kg == pytest.approx(50.0)
    assert (only.n_received, only.n_valid) == (0, 0)
    bad = with_device("w01018", None, Sample("h", 50.0, flag="D"), expected=6, device_volume=1000, cfg=CFG)
    assert bad.valid is False and bad.mass_kg is None
