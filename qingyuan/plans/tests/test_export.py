"""The plan list's Excel export: the list's rows, filters and scope, in words."""

from __future__ import annotations

import datetime as dt
import io
import re

from openpyxl import load_workbook

from qingyuan.plans import actions
from qingyuan.test import make_enterprise


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _ids(sheet):
    return [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]


def _page_ids(body):
    return [int(pk) for pk in re.findall(r'class="plan-row".*?href="/plans/(\d+)/"', body, re.S)]


def _plans(world, park_plan, plan, today):
    late = make_enterprise(world.park, "逾期化工有限公司", 9)
    actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=late, title="逾期方案",
                           outcome="close", start_date=today - dt.timedelta(days=90),
                           deadline=today - dt.timedelta(days=10))
    actions.do_create_plan(acting_user=world.ent_b, park_plan=park_plan, enterprise=world.enterprise_b,
                           title="乙化工方案", outcome="rectify", start_date=today, deadline=today + dt.timedelta(days=9))
    return late


def test_it_exports_the_rows_the_filtered_list_shows(world, park_plan, plan, today, as_user):
    late = _plans(world, park_plan, plan, today)
    client = as_user(world.regulator)
    for query in ({}, {"enterprise": late.pk}, {"q": "甲化工"}, {"status": "draft", "q": "方案"}):
        page = _page_ids(client.get("/plans/", query).content.decode())
        assert _ids(_sheet(client.get("/plans/export.xlsx", query))) == page and page, query
    sheet = _sheet(client.get("/plans/export.xlsx", {"q": "甲化工"}))
    header, row = (list(r) for r in sheet.iter_rows(max_row=2, values_only=True))
    assert header[:6] == ["方案编号", "方案", "企业", "实施方案", "整治类型", "状态"]
    assert row[1:3] == ["甲化工一厂一策整治方案", "甲化工有限公司"] and row[5] == "草稿"
    assert row[7:10] == [0, 2, 200.5]


def test_it_carries_the_filters_on_the_list_export_button(world, park_plan, plan, as_user):
    body = as_user(world.regulator).get("/plans/", {"status": "draft"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/plans/export.xlsx?status=draft"' in body and "导出 Excel" in body


def test_it_exports_no_other_enterprise_plans(world, park_plan, plan, today, as_user):
    _plans(world, park_plan, plan, today)
    assert _ids(_sheet(as_user(world.ent_a).get("/plans/export.xlsx"))) == [plan.pk]
    assert _ids(_sheet(as_user(world.ent_b).get("/plans/export.xlsx", {"q": "甲化工"}))) == []


def test_it_exports_in_a_constant_number_of_queries(world, park_plan, plan, today, as_user,
                                                      django_assert_max_num_queries):
    client = as_user(world.regulator)
    with django_assert_max_num_queries(20) as few:
        client.get("/plans/export.xlsx")
    _plans(world, park_plan, plan, today)
    with django_assert_max_num_queries(20) as many:
        assert len(_ids(_sheet(client.get("/plans/export.xlsx")))) == 3
    assert len(many.captured_queries) == len(few.captured_queries)
