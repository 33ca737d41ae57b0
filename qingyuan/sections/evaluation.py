"""GB 3838-2002 evaluation of a section: per observation, per month, per year.

Observations are the section's manual samples and, when linked to an automatic station
(ST=21), the station's **valid** daily means (``quality.DailyValue``; HJ 212 codes mapped to
GB 3838 items, converted to the item's unit). Every class comes from
``qingyuan.standards.section_class`` (single-factor evaluation: the worst item sets the class;
exactly at a limit complies).

* class of an observation: section_class(its values)
* monthly class: section_class(the month's arithmetic mean of each item over its observations)
* compliant: class at least as good as the target class ("V+" = 劣Ⅴ is worse than V)
* monthly compliance rate = compliant observations of the month / observations of the month
* yearly compliance rate  = compliant months / months with a class

Faecal coliforms are reported but left out of the section class (2011 evaluation method,
NOTES §8 [U]); water temperature and, at a river, total nitrogen have no class anyway.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from qingyuan.quality.models import DailyValue
from qingyuan.sections.models import Sample, Section
from qingyuan.standards import (
    ALL_CLASSES,
    CLASS_LABELS_ZH,
    SectionResult,
    convert,
    exceedance_multiple,
    section_class,
    surface_water_item,
)

EXCLUDED_FROM_CLASS = ("fecal_coliform",)


def class_label(cls: str | None) -> str:
    return CLASS_LABELS_ZH.get(cls, "—") if cls else "—"


def meets(cls: str | None, target: str) -> bool | None:
    """True if ``cls`` is at least as good as ``target``; None when there is no class."""
    if cls is None:
        return None
    return ALL_CLASSES.index(cls) <= ALL_CLASSES.index(target)


def evaluate(values: dict[str, float], section: Section) -> SectionResult:
    return section_class(values, waterbody=section.waterbody, exclude=EXCLUDED_FROM_CLASS)  # type: ignore[arg-type]


@dataclass
class Observation:
    day: dt.date
    source: str  # "manual" or "station"
    values: dict[str, float]  # GB 3838 item key → value in the item's unit
    result: SectionResult | None = None
    compliant: bool | None = None

    @property
    def label(self) -> str:
        return class_label(self.result.cls if self.result else None)


def _station(sections: list[Section], first: dt.date, last: dt.date) -> dict[int, list[Observation]]:
    points = {s.point_id: s.pk for s in sections if s.point_id is not None}
    if not points:
        return {}
    by_day: dict[tuple[int, dt.date], dict[str, float]] = defaultdict(dict)
    for point_id, day, code, unit, mean in DailyValue.objects.filter(
            point_id__in=list(points), day__gte=first, day__lte=last, valid=True, mean__isnull=False
    ).values_list("point_id", "day", "parameter", "unit", "mean").order_by("day", "parameter"):
        item = surface_water_item(code)
        if item is None or mean < 0:
            continue
        try:
            value = convert(mean, unit, item.unit) if unit and unit != item.unit else mean
        except ValueError:
            continue
        by_day[(points[point_id], day)][item.key] = value
    out: dict[int, list[Observation]] = defaultdict(list)
    for (section_id, day), values in sorted(by_day.items()):
        out[section_id].append(Observation(day, "station", values))
    return out


def observations_of(sections: list[Section], first: dt.date, last: dt.date) -> dict[int, list[Observation]]:
    """Manual samples and station days of each section in [first, last], evaluated; three queries."""
    out: dict[int, list[Observation]] = defaultdict(list)
    samples = Sample.objects.filter(section__in=[s.pk for s in sections], date__gte=first, date__lte=last
                                    ).prefetch_related("values")
    for sample in samples:
        out[sample.section_id].append(
            Observation(sample.date, "manual", {v.parameter: v.value_std for v in sample.values.all()}))
    for section_id, obs in _station(sections, first, last).items():
        out[section_id] += obs
    by_id = {s.pk: s for s in sections}
    for section_id, obs in out.items():
        section = by_id[section_id]
        for o in obs:
            o.result = evaluate(o.values, section)
            o.compliant = meets(o.result.cls, section.target_class)
        obs.sort(key=lambda o: (o.day, o.source))
    return out


def observations(section: Section, first: dt.date, last: dt.date) -> list[Observation]:
    return observations_of([section], first, last).get(section.pk, [])


@dataclass
class MonthRow:
    month: dt.date
    means: dict[str, float]
    result: SectionResult
    n: int  # observations
    n_compliant: int
    compliant: bool | None
    observations: list[Observation] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.n_compliant / self.n if self.n else None

    @property
    def label(self) -> str:
        return class_label(self.result.cls)


def monthly(section: Section, obs: Iterable[Observation]) -> list[MonthRow]:
    by_month: dict[dt.date, list[Observation]] = defaultdict(list)
    for o in obs:
        by_month[o.day.replace(day=1)].append(o)
    rows = []
    for month, items in sorted(by_month.items()):
        sums: dict[str, list[float]] = defaultdict(list)
        for o in items:
            for key, value in o.values.items():
                sums[key].append(value)
        means = {k: sum(v) / len(v) for k, v in sums.items()}
        result = evaluate(means, section)
        rows.append(MonthRow(month, means, result, len(items), sum(1 for o in items if o.compliant),
                             meets(result.cls, section.target_class), items))
    return rows


@dataclass
class YearRow:
    year: int
    months: int  # months with a class
    compliant_months: int
    observations: int
    compliant_observations: int

    @property
    def rate(self) -> float | None:
        return self.compliant_months / self.months if self.months else None

    @property
    def observation_rate(self) -> float | None:
        return self.compliant_observations / self.observations if self.observations else None


def yearly(rows: Iterable[MonthRow]) -> list[YearRow]:
    years: dict[int, YearRow] = {}
    for r in rows:
        y = years.setdefault(r.month.year, YearRow(r.month.year, 0, 0, 0, 0))
        if r.compliant is not None:
            y.months += 1
            y.compliant_months += bool(r.compliant)
        y.observations += r.n
        y.compliant_observations += r.n_compliant
    return [years[k] for k in sorted(years)]


def failing_items(o: Observation, section: Section) -> list[tuple[str, str | None, float | None]]:
    """(item key, its class, 超标倍数 against the target) for the items worse than the target."""
    out = []
    if o.result is None:
        return out
    for key, cls in o.result.per_param.items():
        if key in EXCLUDED_FROM_CLASS or cls is None or meets(cls, section.target_class):
            continue
        try:
            multiple = exceedance_multiple(key, o.values[key], section.target_class, waterbody=section.waterbody)  # type: ignore[arg-type]
        except (KeyError, ValueError):
            multiple = None
        out.append((key, cls, multiple))
    return out


def window(today: dt.date, months: int = 24) -> tuple[dt.date, dt.date]:
    """The first day of the month ``months − 1`` months back, and today."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), today
