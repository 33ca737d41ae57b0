"""The section list's Excel export: the page's sections and summaries, in words; another park's absent."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from qingyuan.sections.actions import do_create_section, do_record_sample

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _samples(world, section):
    for i in range(3):  # Aug COD 16 (III), Sep 20 (III), Oct 24 (IV)
        do_record_sample(section, acting_user=world.regulator, date=dt.date(2026, 8 + i, 5),
                         values=[("codcr", str(16 + 4 * i), ""), ("nh3n", "0.6", "")])


def test_it_exports_the_sections_the_page_lists(world, inbound, outbound, as_user, django_assert_max_num_queries):
    _samples(world, outbound)
    client = as_user(world.ent_a)
    body = client.get("/sections/").content.decode()
    page = re.findall(r'href="/sections/\d+/">([^<]+)</a>', body)
    assert 'href="/sections/export.xlsx"' in body and "导出 Excel" in body
    with django_assert_max_num_queries(20) as queries:
        sheet = _sheet(client.get("/sections/export.xlsx"))
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == page == ["青溪河入境断面", "青溪河出境断面"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("断面", "园区", "类型")
    out = rows["青溪河出境断面"]
    assert out[5] == "Ⅲ类" and out[6] == "2026-10" and out[7] == "Ⅳ类" and out[8] == "否"
    assert out[9] == "化学需氧量（COD）" and out[10:13] == (2, 3, 66.7)
    assert rows["青溪河入境断面"][6] is None  # no sample yet
    third = do_create_section(world.park, acting_user=world.regulator, name="支流断面", kind="in_park", river="小溪",
                              target_class="IV", order=5)
    _samples(world, third)
    with django_assert_max_num_queries(20) as more:
        assert len(list(_sheet(client.get("/sections/export.xlsx")).iter_rows(min_row=2))) == 3
    assert len(more.captured_queries) == len(queries.captured_queries)


def test_it_exports_no_section_of_another_park(world, outbound, as_user):
    _samples(world, outbound)
    sheet = _sheet(as_user(world.outsider).get("/sections/export.xlsx"))
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == []
