"""Hour readers with hour blocks around: the answers are those of the narrow rows (issue 16).

The point chart's 7-day hourly series reads through hour_series; ``/api/v1/readings?kind=hour`` (up to 366
days, paged) stays on the ORM's COUNT + LIMIT/OFFSET, which bench/hourly_year.py measured cheaper per page
than decoding the year (docs/storage.md). Both are asked before the blocks are built, after, and after a
late hour upload changed a built period: the same answers as the narrow rows (``==``, floats exact).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import F

from qingyuan.monitoring import hour_series
from qingyuan.monitoring.models import HourBlock, Reading
from qingyuan.monitoring.queries import chart_series

from .readings_data import CODES, ZONE
from .test_hour_year import AFTER, FIRST, HOUR, _year

URL = "/api/v1/readings"
FIELDS = ("rtd", "avg", "min", "max", "cou", "zs_avg", "flag")


def _orm_page(point: Any, since: dt.datetime, until: dt.datetime, page: int, size: int, code: str | None = None) -> list:
    qs = Reading.objects.filter(point=point, kind="hour", time__gte=since, time__lt=until)
    if code:
        qs = qs.filter(parameter=code)
    return list(qs.order_by("time", "parameter").values("time", "parameter", *FIELDS)[(page - 1) * size:page * size])


def _api(client: Any, point: Any, since: dt.datetime, until: dt.datetime, page: int, size: int,
         code: str | None = None) -> dict[str, Any]:
    params = {"point": point.pk, "kind": "hour", "since": since.isoformat(), "until": until.isoformat(),
              "page": page, "page_size": size, **({"parameter": code} if code else {})}
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def _expected(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "time": r["time"].isoformat().replace("+00:00", "Z")} for r in rows]


def _normalise(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "time": dt.datetime.fromisoformat(r["time"]).astimezone(dt.UTC).isoformat().replace("+00:00", "Z")}
            for r in results]


@pytest.mark.django_db
def test_it_pages_a_year_of_hour_readings_in_the_api_as_the_narrow_rows(world: Any, as_user: Any) -> None:
    _year(world.point_a)
    since, until = FIRST, FIRST + dt.timedelta(days=365)
    client = as_user(world.ent_a)
    cases = [(1, 200, None), (131, 200, None), (132, 200, None), (44, 200, CODES[1]), (3, 7, CODES[2])]
    before = {case: _api(client, world.point_a, since, until, *case) for case in cases}
    assert hour_series.build_due(now=AFTER) == 13
    late = FIRST + dt.timedelta(days=100, minutes=30)  # a late upload in a built period
    Reading.objects.create(point=world.point_a, kind="hour", time=late, parameter=CODES[1], avg=0.1 + 0.2, flag="N")
    assert HourBlock.objects.filter(point=world.point_a).exclude(built=F("version")).count() == 1
    for (page, size, code), old in before.items():
        body = _api(client, world.point_a, since, until, page, size, code)
        truth = _orm_page(world.point_a, since, until, page, size, code)
        assert _normalise(body["results"]) == _expected(truth), (page, size, code)
        assert body["count"] == Reading.objects.filter(point=world.point_a, kind="hour", time__gte=since, time__lt=until,
                                                       **({"parameter": code} if code else {})).count()
        if page == 1 and code is None:
            assert body["results"] == old["results"] and body["count"] == old["count"] + 1
    around = _normalise(_api(client, world.point_a, late - HOUR, late + HOUR, 1, 200, CODES[1])["results"])
    assert [r["avg"] for r in around if r["time"] == late.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")] == [
        0.1 + 0.2]
    assert client.get(URL, {"point": world.point_a.pk, "kind": "hour", "page": 99}).status_code == 404


@pytest.mark.django_db
def test_it_hides_another_enterprises_hour_readings(world: Any, as_user: Any) -> None:
    _year(world.point_a, hours=24 * 40)
    hour_series.build_due(now=AFTER)
    since, until = FIRST.isoformat(), (FIRST + dt.timedelta(days=40)).isoformat()
    assert as_user(world.ent_b).get(URL, {"point": world.point_a.pk, "kind": "hour", "since": since,
                                          "until": until}).status_code == 404
    assert as_user(world.ent_a).get(URL, {"point": world.point_a.pk, "kind": "hour", "since": since,
                                          "until": until}).json()["count"] == 24 * 40 * 3


@pytest.mark.django_db
def test_it_draws_the_hourly_chart_from_blocks_as_from_the_narrow_rows(world: Any) -> None:
    """The 7-day chart ends at ``now`` inclusive: an upload at ``now`` itself is drawn."""
    _year(world.point_a, hours=24 * 50)
    now = FIRST + dt.timedelta(days=45)  # on the hour: an upload at now exists
    narrow = chart_series(world.point_a, "7d", now=now)
    assert hour_series.build_due(now=AFTER) >= 2
    built = chart_series(world.point_a, "7d", now=now)
    assert built == narrow
    assert built["series"][0]["points"][-1][0] == int(now.timestamp() * 1000)
    assert len(built["series"]) == 3 and len(built["series"][0]["points"]) == 7 * 24 + 1
    local = dt.datetime.fromtimestamp(built["series"][0]["points"][0][0] / 1000, ZONE)
    assert local == now - dt.timedelta(days=7)
