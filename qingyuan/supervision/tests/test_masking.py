"""Supervision-group members read complaints without the complainant's personal data: no name, no phone,
the place without house numbers, the position to 0.01°, phone-like numbers masked — on the page, in the
Excel export and in the API. The office still sees everything."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from qingyuan.complaints import actions as complaint_actions
from qingyuan.complaints.access import mask_place

NAME, PHONE, HOUSE = "赵六", "13911112222", "临江村三组12号"
DESCRIPTION = "我家门口每晚都有异味，请回电13911112222。"


def _complaint(world):
    return complaint_actions.do_submit_complaint(
        park=world.park, category="odour", description=DESCRIPTION, address=HOUSE, name=NAME, phone=PHONE,
        longitude=Decimal("116.123456"), latitude=Decimal("28.654321"))


def test_it_masks_house_numbers_and_phone_like_numbers():
    assert mask_place("临江村三组12号") == "临江村*组*号"
    assert mask_place("园区北门") == "园区北门"
    assert mask_place("电话13911112222") == "电话***********"


def test_it_hides_the_complainants_data_from_the_supervisor_everywhere(world, as_user):
    c = _complaint(world)
    client = as_user(world.supervisor)
    page = client.get(f"/complaints/{c.pk}/").content.decode()
    assert "临江村*组*号" in page and "(116.12, 28.65)" in page
    for secret in (NAME, PHONE, HOUSE, "12号", "116.123456", "28.654321"):
        assert secret not in page, secret
    sheet = load_workbook(io.BytesIO(client.get("/complaints/export.xlsx").content)).active
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "临江村*组*号" in cells
    assert not [v for v in cells if NAME in v or PHONE in v or HOUSE in v]
    listed = client.get("/api/v1/complaints").json()["results"]
    detail = client.get(f"/api/v1/complaints/{c.pk}").json()
    for row in (listed[0], detail):
        assert (row["name"], row["phone"], row["address"]) == (None, None, "临江村*组*号")
        assert Decimal(str(row["longitude"])) == Decimal("116.12") and PHONE not in row["description"]


def test_it_still_shows_the_office_the_full_data(world, as_user):
    c = _complaint(world)
    client = as_user(world.regulator)
    page = client.get(f"/complaints/{c.pk}/").content.decode()
    assert NAME in page and PHONE in page and HOUSE in page and "116.123456" in page
    detail = client.get(f"/api/v1/complaints/{c.pk}").json()
    assert (detail["name"], detail["phone"], detail["address"]) == (NAME, PHONE, HOUSE)
    assert detail["description"] == DESCRIPTION
