"""Device status and quarantine Excel exports: the pages' rows, filters and scope; no password leaves."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

from qingyuan.ingest.process import process_packets
from qingyuan.monitoring.models import Quarantine
from qingyuan.test import make_enterprise, make_point

from .conftest import upload

SECRET = "Zx9-secret-pw"
UNKNOWN = "NEWDEVICE000000000000007"


class Device:
    def __init__(self, mn, password, st="32"):
        self.mn, self.password, self.st = mn, password, st


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _column(sheet, index=0):
    return [r[index] for r in sheet.iter_rows(min_row=2, values_only=True)]


def _unzipped(content):
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def test_it_exports_the_points_the_filtered_status_page_lists(world, store, as_user, django_assert_max_num_queries):
    store(world.point_a, "20260101120000")
    client = as_user(world.regulator)
    for query in ({}, {"status": "online"}, {"status": "never"}, {"q": "乙化工"}):
        body = client.get("/monitoring/", query, HTTP_HX_REQUEST="true").content.decode()
        page = re.findall(r'href="/monitoring/points/\d+/">([^<]+)</a>', body)
        assert _column(_sheet(client.get("/monitoring/export.xlsx", query))) == page and page, query
    header, row = (list(r) for r in _sheet(client.get("/monitoring/export.xlsx", {"status": "online"})).iter_rows(
        max_row=2, values_only=True))
    assert header[:5] == ["监测点", "企业", "MN", "协议版本", "状态"]
    assert row[1:3] == [world.enterprise_a.name, world.point_a.mn] and row[4] == "在线" and row[8] == 1
    assert 'href="/monitoring/export.xlsx?status=online"' in client.get(
        "/monitoring/", {"status": "online"}).content.decode()
    with django_assert_max_num_queries(20) as few:
        client.get("/monitoring/export.xlsx")
    for i in range(4):
        make_point(make_enterprise(world.park, f"批量{i}", 50 + i), f"CCCC00000000000000000{i:03d}")
    with django_assert_max_num_queries(20) as many:
        assert len(_column(_sheet(client.get("/monitoring/export.xlsx")))) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_exports_no_other_enterprise_points(world, as_user):
    assert _column(_sheet(as_user(world.ent_a).get("/monitoring/export.xlsx")), 2) == [world.point_a.mn]
    assert _column(_sheet(as_user(world.ent_b).get("/monitoring/export.xlsx", {"q": "甲化工"}))) == []


def test_it_exports_the_quarantine_masked_to_its_readers_only(world, as_user):
    point = world.point_a
    process_packets([upload(Device(point.mn, SECRET), "20260101122000"),
                     upload(Device(UNKNOWN, SECRET), "20260101122000")])
    assert Quarantine.objects.count() == 2 and all(SECRET in q.text for q in Quarantine.objects.all())
    response = as_user(world.regulator).get("/monitoring/quarantine/export.xlsx")
    sheet = _sheet(response)
    assert SECRET not in _unzipped(response.content)
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {point.mn, UNKNOWN}
    assert rows[point.mn][1] == "密码错误" and rows[point.mn][2] == point.name and "PW=******" in rows[point.mn][-1]
    assert rows[UNKNOWN][1] == "未知 MN" and rows[UNKNOWN][8] == "否"
    assert 'href="/monitoring/quarantine/export.xlsx"' in as_user(world.regulator).get(
        "/monitoring/quarantine/").content.decode()
    outsider = as_user(world.outsider).get("/monitoring/quarantine/export.xlsx")  # manages another park
    assert _column(_sheet(outsider)) == [UNKNOWN] and SECRET not in _unzipped(outsider.content)
    for reader in (world.supervisor, world.inspector, world.officer, world.township, world.ent_a, world.ent_b):
        assert as_user(reader).get("/monitoring/quarantine/export.xlsx").status_code == 404, reader
