"""The public disclosure shows the limits the enterprise is judged by, with where each comes from."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from qingyuan.alarms import context
from qingyuan.enterprises.models import Outlet
from qingyuan.portal import rules

from .county import daily


def _limits_section(body: str) -> str:
    return re.search(r'<section class="card card-body mb-3" id="limits">(.*?)</section>', body, re.S)[1]


def test_it_discloses_the_permit_row_and_the_standards_special_limit_with_their_sources(world, county):
    """The county's permit limits COD (100 mg/L); NH3-N has no permit row. The outlet discharges directly under
    special emission limits: NH3-N is judged against GB 31571-2015 表2, 直接排放, 氨氮 5.0 mg/L, and the public
    page says so next to the permit's COD row."""
    Outlet.objects.filter(pk=world.point_a.outlet_id).update(standard="GB 31571-2015", special_limits=True,
                                                              route="direct")
    daily(world.point_a, timezone.localdate() - timezone.timedelta(days=2), 3.0, code="w21003")

    section = _limits_section(Client().get(f"/public/enterprise/{world.enterprise_a.pk}/").content.decode())

    cod = re.search(r'<tr class="limit-permit">(.*?)</tr>', section, re.S)[1]
    nh3n = re.search(r'<tr class="limit-special">(.*?)</tr>', section, re.S)[1]
    assert "化学需氧量" in cod and "100 mg/L" in cod and "排污许可证" in cod
    assert "氨氮" in nh3n and "5 mg/L" in nh3n and "排放标准（特别排放限值）" in nh3n and "GB 31571-2015 表2" in nh3n
    ctx = context.load([world.point_a.pk])[world.point_a.pk]
    assert [(r["code"], r["limit"], r["source"]) for r in rules.permit_limits(world.enterprise_a)
            if r["code"] in ("w01018", "w21003")] == [("w01018", ctx.limit("w01018").shown, "permit"),
                                                      ("w21003", ctx.limit("w21003").shown, "special")]

