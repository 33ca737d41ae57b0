"""The patrol list's and the random draws' Excel exports: the pages' rows, filters and scope, in words."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from qingyuan.inspections.models import RandomDraw
from qingyuan.inspections.tests.helpers import record, second_inspector
from qingyuan.inspections.tests.test_draws import pool, post_draw  # noqa: F401 (pool is a fixture)
from qingyuan.test import make_enterprise


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _ids(sheet):
    return [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]


def _page_ids(body):
    return [int(pk) for pk in re.findall(r'href="/inspections/(\d+)/"', body)]


def _patrols(world):
    a = record(world, world.enterprise_a, findings=[{"text": "问题", "severity": "minor", "checklist_item": ""}])
    b = record(world, world.enterprise_b)
    return a, b


def test_it_exports_the_patrols_the_filtered_list_shows(world, as_user):
    a, b = _patrols(world)
    client = as_user(world.regulator)
    for query in ({}, {"q": "乙化工"}, {"kind": "planned"}, {"kind": "random"}):
        page = _page_ids(client.get("/inspections/", query, HTTP_HX_REQUEST="true").content.decode())
        assert _ids(_sheet(client.get("/inspections/export.xlsx", query))) == page, query
    header, row = (list(r) for r in _sheet(client.get("/inspections/export.xlsx", {"q": "甲化工"})).iter_rows(
        max_row=2, values_only=True))
    assert header[:5] == ["巡查", "开始时间", "结束时间", "企业", "类型"] and header[7] == "发现问题"
    assert row[0] == a.pk and row[3] == "甲化工有限公司" and row[4] == "计划巡查" and row[7] == 1
    assert "内部备注" not in str(row)  # internal notes stay on the inspectors' page


def test_it_carries_the_filters_on_the_patrol_export_button(world, as_user):
    body = as_user(world.regulator).get("/inspections/", {"kind": "random"}).content.decode()
    assert 'href="/inspections/export.xlsx?kind=random"' in body and "导出 Excel" in body


def test_it_exports_no_other_enterprise_patrols(world, as_user):
    a, b = _patrols(world)
    assert _ids(_sheet(as_user(world.ent_a).get("/inspections/export.xlsx"))) == [a.pk]
    assert _ids(_sheet(as_user(world.ent_b).get("/inspections/export.xlsx", {"q": "甲化工"}))) == []


def test_it_exports_patrols_in_a_constant_number_of_queries(world, as_user, django_assert_max_num_queries):
    inspector2 = second_inspector(world)
    client = as_user(world.regulator)
    record(world, world.enterprise_a, co_inspectors=[inspector2])
    with django_assert_max_num_queries(20) as few:
        client.get("/inspections/export.xlsx")
    for i in range(5):
        record(world, make_enterprise(world.park, f"批量{i}", 40 + i), co_inspectors=[inspector2],
               findings=[{"text": "问题", "severity": "minor", "checklist_item": ""}])
    with django_assert_max_num_queries(20) as many:
        assert len(_ids(_sheet(client.get("/inspections/export.xlsx")))) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_exports_the_draws_to_park_readers_only(pool, as_user, django_assert_max_num_queries):  # noqa: F811
    world = pool
    post_draw(as_user(world.inspector))
    client = as_user(world.regulator)
    with django_assert_max_num_queries(20) as few:
        sheet = _sheet(client.get("/inspections/draws/export.xlsx"))
    d = RandomDraw.objects.get()
    header, row = (list(r) for r in sheet.iter_rows(max_row=2, values_only=True))
    assert header[:3] == ["抽取", "抽取日期", "名称"] and row[0] == d.pk and row[2] == "三月双随机"
    assert row[6] == "、".join(i.enterprise.name for i in d.items.order_by("position"))
    assert 'href="/inspections/draws/export.xlsx"' in client.get("/inspections/draws/").content.decode()
    post_draw(as_user(world.inspector), title="四月双随机")
    with django_assert_max_num_queries(20) as many:
        assert len(_ids(_sheet(client.get("/inspections/draws/export.xlsx")))) == 2
    assert len(many.captured_queries) == len(few.captured_queries)
    for user in (world.ent_a, world.officer, world.township):
        assert as_user(user).get("/inspections/draws/export.xlsx").status_code == 404, user
