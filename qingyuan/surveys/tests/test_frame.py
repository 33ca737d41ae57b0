"""The sampling frame: bad input refused with a clear message, the Excel round trip, access."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from qingyuan.core.models import AuditEntry
from qingyuan.surveys.models import Village
from qingyuan.surveys.tests.conftest import village


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "frame.xlsx"
    return out


def test_it_adds_a_village_and_refuses_a_smaller_population_than_households(world, as_user):
    client = as_user(world.regulator)
    ok = client.post("/surveys/villages/", {"name": "白沙村", "township": world.township_unit.pk, "households": 300,
                                             "population": 1100, "distance_km": "2.4", "sort_order": 3, "is_active": "on"})
    assert ok.status_code == 302
    v = Village.objects.get(name="白沙村")
    assert v.township == world.township_unit and str(v.distance_km) == "2.40"
    assert AuditEntry.objects.filter(action="survey_village.create", object_id=str(v.pk)).exists()
    bad = client.post("/surveys/villages/", {"name": "柳湾村", "households": 300, "population": 100,
                                              "distance_km": "-1", "sort_order": 3})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "人口数不能少于户数" in html and "距离不能为负数" in html
    assert not Village.objects.filter(name="柳湾村").exists()
    assert as_user(world.supervisor).post("/surveys/villages/", {"name": "x", "households": 1, "population": 1,
                                                                 "distance_km": "1"}).status_code == 404


def test_it_exports_the_frame_and_imports_it_back_all_or_nothing(world, as_user):
    village(world, "临江村")
    client = as_user(world.regulator)
    export = client.get("/surveys/villages/export.xlsx")
    rows = [list(r) for r in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)]
    assert rows[1] == ["临江村", "临江镇", 120, 400, 1.5, 1, "是"]
    rows[1][2] = 130
    rows.append(["石桥村", "", 80, 260, 3.2, 2, "是"])
    done = client.post("/surveys/villages/import/", {"file": xlsx(rows)}, follow=True)
    assert "新增 1 个，更新 1 个" in done.content.decode()
    assert Village.objects.get(name="临江村").households == 130 and Village.objects.get(name="石桥村").population == 260
    bad = rows + [["柳湾村", "不存在镇", "很多", 10, "远", None, None]]
    refused = client.post("/surveys/villages/import/", {"file": xlsx(bad)}, follow=True).content.decode()
    assert "第 4 行" in refused and "不存在镇" in refused and "很多" in refused and "远" in refused
    assert not Village.objects.filter(name="柳湾村").exists()
    not_excel = io.BytesIO(b"name,households\n")
    not_excel.name = "frame.xlsx"
    assert "不是" in client.post("/surveys/villages/import/", {"file": not_excel}, follow=True).content.decode() \
        or Village.objects.count() == 2
    assert Village.objects.count() == 2


def test_it_keeps_the_frame_inside_the_park(world, as_user):
    v = village(world, "临江村")
    assert as_user(world.outsider).get(f"/surveys/villages/{v.pk}/").status_code == 404
    assert as_user(world.supervisor).get(f"/surveys/villages/{v.pk}/").status_code == 404  # reads, cannot edit
    assert "临江村" in as_user(world.supervisor).get("/surveys/villages/").content.decode()
    assert as_user(world.ent_a).get("/surveys/villages/").status_code == 404
    assert "临江村" not in as_user(world.outsider).get("/surveys/villages/export.xlsx").content.decode(errors="ignore")
