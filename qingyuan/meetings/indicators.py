"""Assessment indicator ``meeting_attendance``: a unit's attendance at the meetings it was invited to.

Counted: the invitations of the unit's people to meetings held in the period (not cancelled, not
still planned). Met: the invitee or their deputy signed in (by phone, or recorded at the door).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from qingyuan.assessment.indicators.base import Measure, Period
from qingyuan.meetings.choices import MeetingStatus


def attendance(units: list[int], period: Period, params: dict[str, Any]) -> dict[int, Measure]:
    from qingyuan.meetings.models import Invitation

    start, end = period.bounds()
    out: dict[int, Measure] = defaultdict(Measure)
    rows = (Invitation.objects.filter(unit_id__in=units, meeting__status=MeetingStatus.HELD,
                                      meeting__starts_at__gte=start, meeting__starts_at__lt=end)
            .values_list("id", "unit_id", "signed_in_at").order_by("id"))
    for pk, unit, signed in rows:
        out[unit].counted.append(pk)
        if signed is not None:
            out[unit].met.append(pk)
    return out
