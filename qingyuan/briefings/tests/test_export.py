"""The briefing archive's Excel export: the archive's rows and search, in words; drafts and other parks kept out."""

from __future__ import annotations

import io
import re
from typing import Any

import time_machine
from openpyxl import load_workbook

from qingyuan.briefings.tests import county


def _sheet(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _titles(sheet: Any) -> list[str]:
    return [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)]


def _page_titles(body: str) -> list[str]:
    return re.findall(r'<a href="/briefings/\d+/">([^<]+)</a>', body)


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_exports_the_briefings_the_searched_archive_lists(world: Any, as_user: Any,
                                                                django_assert_max_num_queries: Any) -> None:
    issued = county.issued(world)
    county.draft(world, title="2026年3月专项简报")
    client = as_user(world.regulator)
    for query in ({}, {"q": "第1期"}, {"q": "专项"}, {"q": "没有这样的"}):
        body = client.get("/briefings/", query).content.decode()
        assert _titles(_sheet(client.get("/briefings/export.xlsx", query))) == _page_titles(body), query
    assert 'href="/briefings/export.xlsx?q=%E4%B8%93%E9%A1%B9"' in client.get("/briefings/", {"q": "专项"}).content.decode()
    with django_assert_max_num_queries(10) as queries:
        sheet = _sheet(client.get("/briefings/export.xlsx", {"q": "第1期"}))
    header, row = (list(r) for r in sheet.iter_rows(max_row=2, values_only=True))
    assert header[:3] == ["文号", "名称", "类型"]
    assert row[0] == "清源简报〔2026〕第1期" and row[1] == issued.title and row[2] == "月报" and row[5] == "已签发"
    assert row[-1] == world.bureau.name
    county.issued(world)
    with django_assert_max_num_queries(10) as more:
        assert len(_titles(_sheet(client.get("/briefings/export.xlsx")))) == 3
    assert len(more.captured_queries) == len(queries.captured_queries)


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_exports_no_drafts_to_readers_and_nothing_to_other_parks(world: Any, as_user: Any) -> None:
    issued = county.issued(world)
    county.draft(world, title="2026年3月专项简报")
    assert _titles(_sheet(as_user(world.officer).get("/briefings/export.xlsx"))) == [issued.title]
    for user in (world.outsider, world.ent_a):
        assert _titles(_sheet(as_user(user).get("/briefings/export.xlsx"))) == []
