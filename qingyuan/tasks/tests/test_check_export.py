"""The supervision checks' Excel export: the page's rows and scope, in words."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from qingyuan.tasks.models import SupervisionCheck
from qingyuan.tasks.tests.conftest import issue


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _ids(sheet):
    return [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]


def _plan(world, client, title, units, day="2026-03-15"):
    response = client.post("/tasks/checks/new/", {"park": world.park.pk, "title": title, "planned_on": day,
                                                  "units": units, "assignments": []})
    assert response.status_code == 302
    return SupervisionCheck.objects.get(title=title)


def test_it_exports_the_checks_the_page_lists(world, as_user, django_assert_max_num_queries):
    client = as_user(world.regulator)
    issue(world, subject="督查范围内的交办单")
    first = _plan(world, client, "第一季度督查", [world.bureau.pk, world.township_unit.pk])
    with django_assert_max_num_queries(20) as few:
        sheet = _sheet(client.get("/tasks/checks/export.xlsx"))
    header, row = (list(r) for r in sheet.iter_rows(max_row=2, values_only=True))
    assert header[:6] == ["督查", "日期", "名称", "园区", "被督查单位", "状态"]
    assert row[0] == first.pk and row[2] == "第一季度督查" and row[5] == "计划中"
    assert set(row[4].split("、")) == {str(world.bureau), str(world.township_unit)}
    second = _plan(world, client, "第二季度督查", [world.township_unit.pk], day="2026-06-15")
    with django_assert_max_num_queries(20) as many:
        sheet = _sheet(client.get("/tasks/checks/export.xlsx"))
    assert len(many.captured_queries) == len(few.captured_queries)
    page = [int(pk) for pk in re.findall(r'href="/tasks/checks/(\d+)/"', client.get("/tasks/checks/").content.decode())]
    assert _ids(sheet) == page == [second.pk, first.pk]
    assert 'href="/tasks/checks/export.xlsx"' in client.get("/tasks/checks/").content.decode()


def test_it_exports_only_the_checks_of_ones_own_unit(world, as_user):
    client = as_user(world.regulator)
    first = _plan(world, client, "第一季度督查", [world.bureau.pk])
    _plan(world, client, "乡镇督查", [world.township_unit.pk])
    assert _ids(_sheet(as_user(world.officer).get("/tasks/checks/export.xlsx"))) == [first.pk]
    assert _ids(_sheet(as_user(world.ent_a).get("/tasks/checks/export.xlsx"))) == []
