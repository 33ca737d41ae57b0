"""Distances and plausibility checks for reported places (WGS-84 degrees, metres)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

EARTH_RADIUS_M = 6_371_008.8
# A generous box around China (mainland, Hainan, Taiwan and the islands).
CHINA = (73.4, 135.1, 3.8, 53.6)  # west, east, south, north


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def box(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """A (west, east, south, north) box that contains every point within ``radius_m``."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return lon - dlon, lon + dlon, lat - dlat, lat + dlat


def in_china(lon: float, lat: float) -> bool:
    west, east, south, north = CHINA
    return west <= lon <= east and south <= lat <= north


def _ring(boundary: Any) -> list[list[float]]:
    """The outer ring of a GeoJSON Polygon / MultiPolygon / Feature (first polygon), or []."""
    if not isinstance(boundary, dict):
        return []
    if boundary.get("type") == "FeatureCollection":
        features = boundary.get("features") or []
        return _ring(features[0]) if features else []
    if boundary.get("type") == "Feature":
        return _ring(boundary.get("geometry"))
    coords = boundary.get("coordinates") or []
    try:
        if boundary.get("type") == "Polygon":
            return [[float(x), float(y)] for x, y, *_ in coords[0]]
        if boundary.get("type") == "MultiPolygon":
            return [[float(x), float(y)] for x, y, *_ in coords[0][0]]
    except (TypeError, ValueError, IndexError):
        return []
    return []


def park_centre(park: Any) -> tuple[float, float] | None:
    """The park's own coordinates, else the middle of its boundary, else None."""
    if park.longitude is not None and park.latitude is not None:
        return float(park.longitude), float(park.latitude)
    ring = _ring(park.boundary)
    if ring:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return None


def distance_to_park_m(park: Any, lon: float, lat: float) -> float | None:
    """Distance to the park centre or, when closer, to the nearest corner of its boundary."""
    centre = park_centre(park)
    if centre is None:
        return None
    candidates = [centre, *((p[0], p[1]) for p in _ring(park.boundary))]
    return min(distance_m(lon, lat, x, y) for x, y in candidates)


CELLS_PER_DEGREE = 500  # a cell of 1/500 degree: about 200 m
_CELL_SHIFT = 100_000


def cell(lon: float | None, lat: float | None) -> int | None:
    """The map cell of a place as one integer (for hotspot counts), or None without a place."""
    if lon is None or lat is None:
        return None
    return round(float(lon) * CELLS_PER_DEGREE) * _CELL_SHIFT + round(float(lat) * CELLS_PER_DEGREE)


def cell_centre(value: int) -> tuple[float, float]:
    x, y = divmod(value, _CELL_SHIFT)
    return x / CELLS_PER_DEGREE, y / CELLS_PER_DEGREE


def as_float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
