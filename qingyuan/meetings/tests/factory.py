"""A meeting of the persona park, built through the actions (tests only)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from qingyuan.meetings import actions, minutes
from qingyuan.meetings.models import Meeting

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=ZONE)


def meeting(world: Any, *, day: str = "2026-03-10", units: tuple[str, ...] = ("bureau",), title: str = "领导小组第一次会议",
            notify: bool = True, **fields: Any) -> Meeting:
    m = actions.do_schedule_meeting(
        world.park, acting_user=world.regulator, units=[getattr(world, u) for u in units],
        kind=fields.pop("kind", "leading_group"), title=title, starts_at=at(day, 9), ends_at=at(day, 11),
        place="园区管委会三楼会议室", chair=world.leader, **fields)
    if notify:
        actions.do_fire_meeting(m, "send_notice", acting_user=world.regulator)
    return m


def held_with_decisions(world: Any, n: int = 2, *, deadline: dt.date = dt.date(2026, 4, 30), **kw: Any) -> Meeting:
    m = meeting(world, **kw)
    actions.do_fire_meeting(m, "hold", acting_user=world.regulator)
    item = actions.do_add_item(m, title="园区污水处理厂提标改造", presenter="县住建局", acting_user=world.regulator)
    units = [world.bureau, world.township_unit]
    for i in range(n):
        minutes.do_record_decision(item, text=f"第{i + 1}项：限期完成整改并报送佐证材料", responsible_unit=units[i % 2],
                                   deadline=deadline, expected_result="通过现场核查", acting_user=world.regulator)
    return Meeting.objects.get(pk=m.pk)
