"""The alarm board's Excel export: the board's rows, filters and scope, in words."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from qingyuan.alarms import engine
from qingyuan.alarms.models import Alarm
from qingyuan.quality.tests.support import at, permit, readings

NOW = at("2026-03-02 10:00")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def alarms(world):
    permit(world.enterprise_a, world.point_a.outlet, {"w01018": 100.0})
    engine.evaluate(readings(world.point_a, "day", at("2026-03-01 00:00"), "w01018", [120.0], flags=["N"]))
    for code in ("w21003", "w21011"):
        engine.evaluate(readings(world.point_b, "minute", at("2026-03-02 08:00"), code, [1.0], flags=["D"]))
    return Alarm.objects.all()


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _ids(sheet):
    return [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]


def _page_ids(body):
    return [int(part.split('"', 1)[0]) for part in body.split('data-alarm="')[1:]]


def test_it_exports_the_rows_the_filtered_board_lists(world, alarms, as_user):
    client = as_user(world.regulator)
    for query in ({}, {"kind": "fault"}, {"enterprise": world.enterprise_a.pk}, {"severity": "high"}):
        page = _page_ids(client.get("/alarms/", query).content.decode())
        sheet = _sheet(client.get("/alarms/export.xlsx", query))
        assert _ids(sheet) == page and page, query
    sheet = _sheet(client.get("/alarms/export.xlsx", {"enterprise": world.enterprise_a.pk}))
    header, row = (list(r) for r in sheet.iter_rows(max_row=2, values_only=True))
    assert header[:4] == ["报警", "类型", "严重程度", "状态"]
    assert row[1] == "超标" and row[4] == world.enterprise_a.name and "w01018" not in str(row[6]) and row[6]


def test_it_carries_the_filters_on_the_board_export_button(world, alarms, as_user):
    body = as_user(world.regulator).get("/alarms/", {"kind": "fault"}).content.decode()
    assert 'href="/alarms/export.xlsx?kind=fault' in body and "导出 Excel" in body


def test_it_exports_no_other_enterprise_alarms(world, alarms, as_user):
    own = set(Alarm.objects.filter(enterprise=world.enterprise_a).values_list("pk", flat=True))
    assert _ids(_sheet(as_user(world.ent_a).get("/alarms/export.xlsx"))) == list(own)
    assert _ids(_sheet(as_user(world.ent_b).get("/alarms/export.xlsx", {"enterprise": world.enterprise_a.pk}))) == []
    assert as_user(None).get("/alarms/export.xlsx").status_code == 302


def test_it_exports_in_a_constant_number_of_queries(world, alarms, as_user):
    client = as_user(world.regulator)
    Alarm.objects.exclude(enterprise=world.enterprise_a).delete()
    client.get("/alarms/export.xlsx")
    with CaptureQueriesContext(connection) as few:
        client.get("/alarms/export.xlsx")
    for code in ("w21001", "w01001"):
        engine.evaluate(readings(world.point_b, "minute", at("2026-03-02 08:00"), code, [1.0], flags=["D"]))
    with CaptureQueriesContext(connection) as many:
        assert len(_ids(_sheet(client.get("/alarms/export.xlsx")))) == 3
    assert len(many.captured_queries) == len(few.captured_queries)
