"""The demo county's work briefing: last month's monthly briefing, drafted from the seeded year,
lightly edited by the office, approved by the leader, issued with its number, and read once.

Idempotent: a park that already has a monthly briefing for that month is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingyuan.briefings import actions, periods
from qingyuan.briefings.choices import Kind
from qingyuan.briefings.models import Briefing
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Park, Unit

# The office's lead paragraph, put before the drafted text of the first section.
LEAD = ("**本月整治工作总体平稳推进。**各责任单位按照领导小组部署，紧盯交办事项办结时限，"
        "逾期事项已逐项督促整改。")


def seed(seeder: Any) -> None:
    """Called at the end of the demo Seeder: the recipients are the departments and townships."""
    recipients = [u for u in seeder.units.values() if u.kind in (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)]
    seed_briefing(seeder.park, office=seeder.users["office"], leader=seeder.users["leader"],
                  reader=seeder.users["epb"], recipients=recipients)


def seed_briefing(park: Park, *, office: Any, leader: Any, reader: Any, recipients: list[Unit],
                  today: dt.date | None = None) -> Briefing:
    """Last complete month's briefing of ``park``, issued to ``recipients`` and read by ``reader``."""
    start, end = periods.latest(Kind.MONTHLY, today or timezone.localdate())
    existing = Briefing.objects.filter(park=park, kind=Kind.MONTHLY, period_start=start, period_end=end).first()
    if existing is not None:
        return existing
    briefing = actions.do_draft_briefing(park, kind=Kind.MONTHLY, start=start, end=end,
                                         title=periods.default_title(Kind.MONTHLY, start, end), acting_user=office)
    first = briefing.sections.order_by("order", "id").first()
    if first is not None:
        actions.do_edit_section(first, text=f"{LEAD}\n\n{first.text}", acting_user=office)
    actions.do_set_recipients(briefing, units=recipients, acting_user=office)
    actions.do_fire_briefing(briefing, "submit", acting_user=office)
    actions.do_fire_briefing(briefing, "approve", acting_user=leader)
    actions.do_fire_briefing(briefing, "issue", acting_user=office)
    briefing.refresh_from_db()
    actions.do_record_read(briefing, acting_user=reader)
    return briefing
