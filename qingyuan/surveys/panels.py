"""The cockpit panel: this year's and last year's satisfaction rate beside the complaints received."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qingyuan.surveys import stats
from qingyuan.surveys.models import Village


def cockpit(request: Any, park: Any, today: dt.date) -> dict[str, Any] | None:
    if park is None or not Village.objects.filter(park=park).exists():
        return None
    by_year = {row.year: row for row in stats.by_year(park.pk)}
    complaints = stats.complaint_counts(park.pk)
    years = []
    for year in (today.year - 1, today.year):
        row = by_year.get(year)
        years.append({"year": year, "rate": row.rate.percent if row else None, "answered": row.rate.answered if row
                      else 0, "complaints": complaints.get(year, 0)})
    change = years[1]["rate"] - years[0]["rate"] if all(y["rate"] is not None for y in years) else None
    return {"years": years, "change": change, "change_text": f"{change:+.1f}" if change is not None else ""}
