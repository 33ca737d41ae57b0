"""The period a periodic briefing covers: the latest complete week, month or quarter before a day."""

from __future__ import annotations

import datetime as dt

from qingyuan.briefings.choices import Kind


def latest(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if kind == Kind.WEEKLY:
        end = today - dt.timedelta(days=today.weekday() + 1)  # last Sunday
        return end - dt.timedelta(days=6), end
    first_of_month = today.replace(day=1)
    if kind == Kind.QUARTERLY:
        q_start = first_of_month.replace(month=3 * ((today.month - 1) // 3) + 1)
        end = q_start - dt.timedelta(days=1)
        return end.replace(day=1, month=3 * ((end.month - 1) // 3) + 1), end
    end = first_of_month - dt.timedelta(days=1)
    return end.replace(day=1), end


def default_title(kind: str, start: dt.date, end: dt.date) -> str:
    if kind == Kind.MONTHLY:
        return f"{start.year}年{start.month}月园区整治工作简报"
    if kind == Kind.QUARTERLY:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度园区整治工作简报"
    return f"园区整治工作简报（{start:%Y.%m.%d}—{end:%Y.%m.%d}）"
