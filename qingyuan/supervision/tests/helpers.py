"""Build supervision rows through the actions, as the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingyuan.org.choices import Role
from qingyuan.supervision import actions
from qingyuan.supervision.choices import MemberType
from qingyuan.supervision.models import Member
from qingyuan.test import make_user


def member(world: Any, user: Any = None, *, name: str = "监督员", type: str = MemberType.DEPUTY) -> Member:
    today = timezone.localdate()
    return actions.do_create_member(world.park, acting_user=world.regulator, user=user or world.supervisor,
                                    name=name, type=type, organisation="县人大",
                                    term_start=today - dt.timedelta(days=400), term_end=today + dt.timedelta(days=700))


def second_member(world: Any) -> Member:
    villager = make_user("villager", world.park, Role.SUPERVISOR, name="李秀英")
    return member(world, villager, name="李秀英", type=MemberType.VILLAGER)


def opinion(world: Any, m: Member, *, unit: Any = None, subject: str = "北门异味问题", **fields: Any) -> Any:
    return actions.do_file_opinion(m, acting_user=m.user, subject=subject, text="夜间园区北门异味明显，请核查。",
                                   unit=unit or world.bureau, **fields)
