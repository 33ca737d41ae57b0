"""The legal clocks of complaints and petitions, as pure functions of dates.

Rules (shared/standards/NOTES.md §9):

* 信访工作条例 (2022): route or accept within 15 日 (Art. 22/23), handle within 60 日 of
  acceptance (Art. 34), extend by at most 30 日 with the head's approval; the petitioner
  may ask for a review (复查) within 30 日 of receiving the written reply (the caller passes the
  receipt day), and the reviewer answers within 30 日 (Art. 35); the same again for a re-review
  (复核, Art. 36). Article numbers from NOTES.md §9, not checked against the official text
  (docs/complaints.md).
* Environmental complaints (12369): the same structure by default, but the park may set
  its own enforcement deadlines (``ComplaintPolicy``).
* Counting (民法典 Art. 201, 203 by analogy): the starting day is not counted; 日 are
  calendar days; a period ends at 24:00 of its last day, so a reply on the last day is on
  time; when the last day is a rest day the period ends on the first working day after it.
  ``holidays`` is anything that answers ``day in holidays``: a set of dates, or the rest-day
  calendar ``qingyuan.core.restdays.calendar()`` (weekends + the State Council's notices with
  their make-up working days), which every action passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Clocks:
    accept_days: int = 15
    handle_days: int = 60
    extension_days: int = 30
    review_request_days: int = 30
    review_answer_days: int = 30

    def __post_init__(self) -> None:
        if min(self.accept_days, self.handle_days, self.review_request_days, self.review_answer_days) < 1 \
                or self.extension_days < 0:
            raise ValueError(f"inconsistent clocks {self}")


PETITION = Clocks()  # fixed by the 信访工作条例; not configurable


class RestDays(Protocol):
    """Anything that says whether a day is a rest day by ``day in rest_days``: a set of dates, or
    ``qingyuan.core.restdays.RestDayCalendar``."""

    def __contains__(self, day: object, /) -> bool: ...


def period_end(start: dt.date, days: int, *, holidays: RestDays = frozenset()) -> dt.date:
    """The last day of a period of ``days`` calendar days that starts on ``start`` (not counted)."""
    end = start + dt.timedelta(days=days)
    while end in holidays:
        end += dt.timedelta(days=1)
    return end


def acceptance_deadline(received_on: dt.date, clocks: Clocks, *, holidays: RestDays = frozenset()) -> dt.date:
    return period_end(received_on, clocks.accept_days, holidays=holidays)


def handling_deadline(accepted_on: dt.date, clocks: Clocks, *, holidays: RestDays = frozenset()) -> dt.date:
    return period_end(accepted_on, clocks.handle_days, holidays=holidays)


def extended_deadline(deadline: dt.date, clocks: Clocks, *, holidays: RestDays = frozenset()) -> dt.date:
    """The handling deadline after the one approved extension (counted from the old deadline)."""
    return period_end(deadline, clocks.extension_days, holidays=holidays)


def review_request_deadline(replied_on: dt.date, clocks: Clocks, *, holidays: RestDays = frozenset()) -> dt.date:
    """The last day on which the complainant may ask for a review (复查) of the reply."""
    return period_end(replied_on, clocks.review_request_days, holidays=holidays)


def review_answer_deadline(requested_on: dt.date, clocks: Clocks, *, holidays: RestDays = frozenset()) -> dt.date:
    """The day by which the reviewing body must answer a review requested on ``requested_on``."""
    return period_end(requested_on, clocks.review_answer_days, holidays=holidays)


def on_time(deadline: dt.date | None, day: dt.date) -> bool:
    """A deadline ends at 24:00 of its day: acting on the day itself is on time."""
    return deadline is None or day <= deadline


def days_left(deadline: dt.date, today: dt.date) -> int:
    """Days until the deadline: 0 on the day itself, negative when overdue."""
    return (deadline - today).days
