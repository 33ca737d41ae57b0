"""The averaging basis of a limit, and the standard a permit row names (pure functions over the shipped data).

A permit row's ``standard_ref`` starts with the standard's code and may end with the
category ("GB 31571-2015 表1 indirect"). The averaging basis is the category's; when no
category is named, the one basis all the standard's categories for the medium share, else
daily for water and hourly for gas (NOTES §6). Gas limits of categories with a reference O2
are judged on the corrected (Zs) value.

Moved here from ``alarms.context`` (issue 15, join 3) so that quality's compliance page and the
alarm engine read the basis from one place without importing each other.
"""

from __future__ import annotations

import re

from qingyuan.standards._categories import Category
from qingyuan.standards.limits import standard

DEFAULT_BASIS = {"water": "daily_mean", "gas": "hourly_mean"}
_STANDARD_IN_REF = re.compile(r"^\s*(GB\s*\d+(?:\.\d+)?-\d{4})")


def standard_in(ref: str) -> str:
    """The standard code at the start of a permit row's reference ("GB 31571-2015 表1 indirect")."""
    found = _STANDARD_IN_REF.match(ref or "")
    return found[1] if found else ""


def categories(std: str, medium: str) -> list[Category]:
    found = standard(std)
    return [c for c in found.categories if c.medium == medium] if found else []


def category(std: str, medium: str, ref: str) -> Category | None:
    cats = categories(std, medium)
    token = (ref or "").split()[-1] if (ref or "").split() else ""
    named = next((c for c in cats if c.id == token), None)
    if named is not None:
        return named
    return cats[0] if len(cats) == 1 else None


def basis_of(std: str, medium: str, ref: str = "") -> tuple[str, bool]:
    """(averaging basis, judged on the corrected value) for a limit under standard ``std``."""
    cat = category(std, medium, ref)
    if cat is not None:
        return cat.basis, medium == "gas" and cat.reference_o2_percent is not None
    cats = categories(std, medium)
    bases = {c.basis for c in cats}
    o2 = {c.reference_o2_percent is not None for c in cats}
    basis = bases.pop() if len(bases) == 1 else DEFAULT_BASIS.get(medium, "daily_mean")
    return basis, medium == "gas" and o2 == {True}


SPECIAL_PREFIX = "special"  # the categories of a standard's special emission limits (特别排放限值)


def fallback_category(std: str, medium: str, *, special: bool = False, route: str = "") -> Category | None:
    """The category of ``std`` whose column applies when a permit row gives no limit (issue 15 rule 9).

    Without special limits: the standard's one category for the medium (several: ambiguous, None). Under
    special limits (``Outlet.special_limits``): the one special category (ids starting "special": GB 31571
    表2 and 表5, GB 13271 表3), narrowed by the outlet's discharge route where the special columns are per
    route (GB 31571 表2 "special-direct" / "special-indirect"); a standard without special columns, or with
    several left (GB 13271 表3 by fuel, GB 31571 表5 by source), gives None: the permit row must name it."""
    cats = categories(std, medium)
    if not special:
        return cats[0] if len(cats) == 1 else None
    pool = [c for c in cats if c.id.startswith(SPECIAL_PREFIX)]
    if len(pool) > 1 and route:
        pool = [c for c in pool if c.id.endswith(f"-{route}")] or pool
    return pool[0] if len(pool) == 1 else None
