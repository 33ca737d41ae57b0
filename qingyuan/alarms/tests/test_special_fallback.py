"""The alarm engine's fallback to the standard's special column (issue 15 rule 9), recorded on the judgement."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.alarms import context
from qingyuan.alarms.rules import RuleConfig, judge
from qingyuan.enterprises.models import Outlet
from qingyuan.quality.tests.support import at

pytestmark = pytest.mark.django_db

T = at("2026-03-02 00:00")
DAY = dt.timedelta(days=1)


def test_it_judges_a_special_limits_outlet_without_a_permit_row_by_the_standards_special_column(world):
    """GB 31571-2015 表2, 直接排放, COD: 50 mg/L (表1: 60). A daily mean of 55 mg/L at a direct outlet under
    special limits exceeds, and the judgement records the variant ``special_limits`` and the standard."""
    Outlet.objects.filter(pk=world.point_a.outlet_id).update(standard="GB 31571-2015", special_limits=True)
    rule = context.load([world.point_a.pk])[world.point_a.pk].limit("w01018")

    assert (rule.value, rule.basis, rule.source, rule.variant) == (50.0, "daily_mean", "GB 31571-2015",
                                                                   "special_limits")
    f = judge("day", T, T + DAY, "w01018", 55.0, None, True, rule, RuleConfig())
    assert f.kind == "exceedance" and f.limit == 50.0 and f.detail["variant"] == "special_limits"
    assert judge("day", T, T + DAY, "w01018", 50.0, None, True, rule, RuleConfig()).kind == "approaching"


def test_it_falls_back_to_nothing_without_special_limits_where_the_standard_is_ambiguous(world):
    """Without special limits GB 31571-2015 water has four columns (表1/表2 × route): no fallback, as before."""
    Outlet.objects.filter(pk=world.point_a.outlet_id).update(standard="GB 31571-2015")
    assert context.load([world.point_a.pk])[world.point_a.pk].limit("w01018") is None
