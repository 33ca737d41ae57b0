"""store.narrow_values: the raw-cursor read of hour/day readings over long ranges (issue 16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from qingyuan.monitoring import store
from qingyuan.monitoring.models import Reading

from .readings_data import CODES, ZONE


def _hours(point: Any, kind: str, first: dt.datetime, n: int, codes: tuple[str, ...]) -> None:
    Reading.objects.bulk_create(
        Reading(point=point, kind=kind, time=first + dt.timedelta(hours=h), parameter=code,
                avg=h + i / 10 + 0.01, min=None if h % 5 == 0 else h / 3, cou=1e-7 * h, flag="N" if h % 7 else "D")
        for h in range(n) for i, code in enumerate(codes))


@pytest.mark.django_db
def test_it_reads_the_same_values_as_the_orm_without_other_points_kinds_or_times(world: Any) -> None:
    first = dt.datetime(2025, 1, 1, tzinfo=ZONE)
    _hours(world.point_a, "hour", first, 60, CODES[:3])
    _hours(world.point_a, "day", first, 3, CODES[:3])  # another kind
    _hours(world.point_b, "hour", first, 60, CODES[:3])  # another point
    start, end = first + dt.timedelta(hours=5), first + dt.timedelta(hours=50)
    columns = ("avg", "min", "cou", "flag")
    got = store.narrow_values(world.point_a.pk, "hour", start, end, columns=columns)
    truth = [tuple(r) for r in Reading.objects.filter(point=world.point_a, kind="hour", time__gte=start, time__lt=end)
             .order_by("time", "parameter").values_list("time", "parameter", *columns)]
    assert len(got) == 45 * 3
    assert got == truth  # times aware and equal, floats exact, nulls kept, end excluded
    assert all(r[0].tzinfo is not None for r in got)
    assert got[0][0] is got[1][0]  # one datetime per distinct time


@pytest.mark.django_db
def test_it_filters_parameters_and_refuses_compacted_kinds(world: Any) -> None:
    first = dt.datetime(2025, 1, 1, tzinfo=ZONE)
    _hours(world.point_a, "hour", first, 24, CODES[:3])
    got = store.narrow_values(world.point_a.pk, "hour", first, first + dt.timedelta(days=1), parameters=[CODES[1]])
    assert [r[1] for r in got] == [CODES[1]] * 24
    assert [r[2] for r in got] == [h + 0.1 + 0.01 for h in range(24)]
    assert store.narrow_values(world.point_a.pk, "hour", first, first + dt.timedelta(days=1), parameters=[]) == []
    with pytest.raises(ValueError):
        store.narrow_values(world.point_a.pk, "minute", first, first + dt.timedelta(days=1))
    with pytest.raises(ValueError):
        store.narrow_values(world.point_a.pk, "hour", first, first + dt.timedelta(days=1), columns=["id"])
