"""Load the shipped JSON reference files once, lazily.

The files live in ``qingyuan/standards/data`` and are read through
``importlib.resources`` so they work from a source tree, a wheel or a zip.
Each file is parsed on first use and cached for the life of the process.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

POLLUTANT_CODES = "pollutant_codes.json"
DISCHARGE_LIMITS = "discharge_limits.json"
SURFACE_WATER = "gb3838_2002_surface_water.json"
REST_DAYS = "rest_days_cn.json"  # weekends + the State Council's holiday notices (qingyuan.core.restdays)

JsonObject = dict[str, Any]


@cache
def load(name: str) -> JsonObject:
    """Return the parsed JSON object of one data file (cached; do not mutate it)."""
    text = files("qingyuan.standards").joinpath("data", name).read_text(encoding="utf-8")
    parsed = json.loads(text)
    if not isinstance(parsed, dict):
        raise ValueError(f"{name}: top level must be a JSON object")
    return parsed
