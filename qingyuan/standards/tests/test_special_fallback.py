"""Which column of a standard applies when a permit row gives no limit (issue 15 rule 9): the special emission
limits (特别排放限值) when the outlet is under them. Pure functions over the shipped data."""

from __future__ import annotations

from qingyuan import standards
from qingyuan.standards.basis import fallback_category


def test_it_picks_gb31571_table_2_by_the_outlets_route_under_special_limits():
    """GB 31571-2015 表2 (水污染物特别排放限值) has a direct and an indirect column: the outlet's route picks
    one; its COD at the enterprise's total outlet is 50 mg/L (表2, 直接排放) against 表1's 60 mg/L."""
    cat = fallback_category("GB 31571-2015", "water", special=True, route="direct")
    assert cat is not None and cat.id == "special-direct"
    special = standards.discharge_limit("GB 31571-2015", "w01018", category=cat.id)
    plain = standards.discharge_limit("GB 31571-2015", "w01018", category="direct")
    assert (special.table, special.column, special.value) == ("表2", "direct", 50.0)
    assert (plain.table, plain.value) == ("表1", 60.0)
    assert fallback_category("GB 31571-2015", "water", special=True, route="indirect").id == "special-indirect"


def test_it_gives_no_column_where_the_special_one_is_still_ambiguous_or_absent():
    """GB 13271-2014 表3 (大气污染物特别排放限值) is per fuel, GB 31571-2015 表5 per source: the permit row
    must name the column. GB 8978-1996 has no special column; without special limits the rule is unchanged
    (one category: it; several: none)."""
    assert fallback_category("GB 13271-2014", "gas", special=True) is None
    assert fallback_category("GB 31571-2015", "gas", special=True) is None
    assert fallback_category("GB 8978-1996", "water", special=True) is None
    assert fallback_category("GB 31571-2015", "water", route="direct") is None
    assert fallback_category("GB 16297-1996", "gas") is None
