"""The demo's samples: valid input, the outbound section improves after the clean-up and misses once."""

from __future__ import annotations

import datetime as dt
import random

from qingyuan.demo import story
from qingyuan.sections import demo, evaluation
from qingyuan.sections.actions import check_value
from qingyuan.sections.models import Section


def _cls(kind: str, day: dt.date, *, miss: bool = False) -> str | None:
    values = {}
    for key, value, unit in demo.values_for(kind, day, random.Random(1), miss=miss):
        k, _v, std = check_value(key, value, unit)  # every demo value passes the form's checks
        values[k] = std
    section = Section(name="s", kind=kind, river="青溪河", target_class="III")
    return evaluation.evaluate(values, section).cls


def test_it_makes_24_monthly_sampling_days_up_to_today():
    days = demo.months(dt.date(2026, 11, 29))
    assert (len(days), days[0], days[-1]) == (24, dt.date(2024, 12, 8), dt.date(2026, 11, 8))
    assert demo.months(dt.date(2026, 11, 5))[-1] == dt.date(2026, 10, 8)


def test_it_shows_the_outbound_section_improving_after_the_clean_up():
    cal = story.calendar()  # the demo's year: polluted winter, closures in spring, class Ⅲ from the summer
    assert _cls("outbound", cal.start + dt.timedelta(days=7)) == "IV"
    assert _cls("outbound", cal.start + dt.timedelta(days=280)) == "III"
    assert _cls("outbound", cal.start + dt.timedelta(days=280), miss=True) == "IV"
    assert _cls("inbound", cal.start + dt.timedelta(days=7)) == "II"
