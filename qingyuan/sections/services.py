"""What the list, detail and API show of sections: months with classes, rates, comparisons."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from qingyuan.sections import evaluation
from qingyuan.sections.choices import SectionKind
from qingyuan.sections.models import Section
from qingyuan.standards import ALL_CLASSES


@dataclass
class SectionSummary:
    section: Section
    months: list[evaluation.MonthRow]
    years: list[evaluation.YearRow]
    latest: evaluation.Observation | None

    @property
    def latest_month(self) -> evaluation.MonthRow | None:
        return self.months[-1] if self.months else None

    @property
    def this_year(self) -> evaluation.YearRow | None:
        return self.years[-1] if self.years else None


def summarise_all(sections: list[Section], *, months: int = 24, today: dt.date | None = None
                  ) -> list[SectionSummary]:
    """Months, years and the latest observation of each section; a fixed number of queries."""
    first, last = evaluation.window(today or timezone.localdate(), months)
    by_section = evaluation.observations_of(sections, first, last)
    out = []
    for section in sections:
        obs = by_section.get(section.pk, [])
        rows = evaluation.monthly(section, obs)
        out.append(SectionSummary(section, rows, evaluation.yearly(rows), obs[-1] if obs else None))
    return out


def summarise(section: Section, *, months: int = 24, today: dt.date | None = None) -> SectionSummary:
    return summarise_all([section], months=months, today=today)[0]


def class_rank(cls: str | None) -> int | None:
    """1 (Ⅰ) … 6 (劣Ⅴ) for the charts; None without a class."""
    return ALL_CLASSES.index(cls) + 1 if cls else None


def chart(summaries: list[SectionSummary]) -> str:
    """Monthly class of each section (1 = Ⅰ … 6 = 劣Ⅴ) and its target, for ECharts."""
    return json.dumps([{"name": s.section.name, "target": class_rank(s.section.target_class),
                        "data": [[r.month.isoformat()[:7], class_rank(r.result.cls)] for r in s.months]}
                       for s in summaries], ensure_ascii=False)


def comparison(summaries: list[SectionSummary]) -> list[dict[str, Any]]:
    """Inbound vs outbound, month by month: each one's class and the change of the main items."""
    inbound = next((s for s in summaries if s.section.kind == SectionKind.INBOUND), None)
    outbound = next((s for s in summaries if s.section.kind == SectionKind.OUTBOUND), None)
    if inbound is None or outbound is None:
        return []
    ins = {r.month: r for r in inbound.months}
    out = []
    for r in outbound.months:
        i = ins.get(r.month)
        deltas = {k: (r.means[k] - i.means[k]) if i and k in r.means and k in i.means else None
                  for k in ("codcr", "nh3n", "tp")}
        out.append({"month": r.month, "inbound": i, "outbound": r, "deltas": deltas,
                    "worse": i is not None and class_rank(r.result.cls) is not None
                    and class_rank(i.result.cls) is not None
                    and class_rank(r.result.cls) > class_rank(i.result.cls)})  # type: ignore[operator]
    return out
