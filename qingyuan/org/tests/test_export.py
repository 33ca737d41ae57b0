"""The unit list's Excel export: the page's units, in words; other parks' units and enterprise users kept out."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from qingyuan.org.models import Unit


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _names(sheet):
    return [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_it_exports_the_units_the_page_lists(world, as_user, django_assert_max_num_queries):
    client = as_user(world.inspector)
    body = client.get("/units/").content.decode()
    assert 'href="/units/export.xlsx"' in body and "导出 Excel" in body
    with django_assert_max_num_queries(10) as few:
        sheet = _sheet(client.get("/units/export.xlsx"))
    assert _names(sheet) == re.findall(r'href="/units/\d+/">([^<]+)</a>', body)
    assert "邻县整治办" not in _names(sheet)  # the outsider's park
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header[:5] == ("名称", "简称", "类型", "隶属", "挂联企业")
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    bureau = rows[world.bureau.name]
    assert bureau[2] == world.bureau.get_kind_display() and bureau[4] == 1  # enterprise A is linked to the bureau
    for i in range(30):
        Unit.objects.create(park=world.park, kind="department", name=f"部门{i}")
    with django_assert_max_num_queries(10) as many:
        assert "部门29" in _names(_sheet(client.get("/units/export.xlsx")))
    assert len(few.captured_queries) == len(many.captured_queries)


def test_it_exports_no_units_to_enterprise_users(world, as_user):
    assert _names(_sheet(as_user(world.ent_a).get("/units/export.xlsx"))) == []
