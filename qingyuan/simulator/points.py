"""Monitoring points -> simulated devices (the Django side of the simulator)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from qingyuan.enterprises.models import MonitoringPoint, PermitLimit

from .packets import DeviceSpec

UNKNOWN_MN = "36112399UNREGISTERED0001"  # the demo's logger that nobody registered yet


def limits_by_outlet(outlet_ids: Iterable[int]) -> dict[int, dict[str, float]]:
    limits: dict[int, dict[str, float]] = {}
    rows = PermitLimit.objects.filter(outlet_id__in=list(outlet_ids), concentration_limit__isnull=False)
    for outlet_id, code, value in rows.values_list("outlet_id", "pollutant_code", "concentration_limit"):
        limits.setdefault(outlet_id, {})[code] = float(value)
    return limits


def specs_for(points: Sequence[MonitoringPoint], everyone: set[str], by_mn: dict[str, set[str]]) -> list[DeviceSpec]:
    limits = limits_by_outlet(p.outlet_id for p in points if p.outlet_id)
    specs = []
    for p in points:
        medium = p.outlet.medium if p.outlet_id else "water"  # type: ignore[union-attr]
        specs.append(DeviceSpec(
            mn=p.mn, password=p.password, st=p.st or "32", protocol=p.protocol_version, medium=medium,
            rtd_interval=p.rtd_interval_s, min_interval=p.min_interval_min or 10, hourly=p.sends_hourly,
            daily=p.sends_daily, limits=limits.get(p.outlet_id or 0, {}),
            scenarios=frozenset((everyone | by_mn.get(p.mn, set())) - {"unknown_mn"}), name=p.name,
        ))
    unknown = ["unknown_mn"] if "unknown_mn" in everyone else []
    unknown += [mn for mn, names in by_mn.items() if "unknown_mn" in names]
    known = {p.mn for p in points}
    for name in unknown:
        mn = UNKNOWN_MN if name == "unknown_mn" else name
        if mn not in known:
            specs.append(DeviceSpec(mn=mn, password="123456", st="32", name="unregistered logger",
                                    scenarios=frozenset(by_mn.get(mn, set()) - {"unknown_mn"})))
    return specs


def demo_scenarios(points: Sequence[MonitoringPoint]) -> list[str]:
    """A few misbehaving devices, so the demo (and later alarm work) has material."""
    water = [p for p in points if p.outlet_id and p.outlet.medium == "water" and p.protocol_version != "2005"]  # type: ignore[union-attr]
    gas = [p for p in points if p.outlet_id and p.outlet.medium == "gas"]  # type: ignore[union-attr]
    # Exceedances come from plants still under rectification (整治中), never from one marked rectified.
    rectifying = [p for p in points if p.outlet_id and getattr(p.outlet.enterprise, "status", "") == "rectifying"]  # type: ignore[union-attr]
    r_water = [p for p in rectifying if p.outlet.medium == "water" and p.protocol_version != "2005"]  # type: ignore[union-attr]
    r_gas = [p for p in rectifying if p.outlet.medium == "gas"]  # type: ignore[union-attr]
    picks = [("exceedance", r_water, 0), ("constant", water, 3), ("outage", water, 5), ("length_plus6", water, 7),
             ("exceedance", r_gas, 0), ("fault", gas, 2), ("subpackets", gas, 4), ("clock_skew", gas, 6),
             ("bad_crc", gas, 8)]
    chosen = [f"{name}:{group[i].mn}" for name, group, i in picks if i < len(group)]
    return [*chosen, "unknown_mn"]


# Enterprises that no longer produce (关停并转): their loggers send nothing, even if a point was left active.
STOPPED = ("closed", "relocated", "transformed", "suspended")  # suspended: production stopped


def demo_points() -> list[MonitoringPoint]:
    """Active points, less those of enterprises that closed, relocated or transformed."""
    return list(MonitoringPoint.objects.filter(is_active=True).exclude(outlet__enterprise__status__in=STOPPED)
                .select_related("outlet__enterprise").order_by("id"))
