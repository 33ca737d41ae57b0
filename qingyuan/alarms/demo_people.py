"""Who handled the demo year's alarms: each enterprise's environmental officer and each linked unit's officer.

An alarm is explained by the enterprise's own account and verified by an officer of its linked
unit (``alarms.workflow``); the demo's ten log-in accounts cover two enterprises and two units.
The others get their accounts here, created once, with the demo password (usernames
``ent<n>`` in the order of ``demo.data.ENTERPRISES``, as ``ent1`` and ``ent2``, and
``officer-<unit>``), so the history is handled by people the application allows to.
"""

from __future__ import annotations

import zlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from qingyuan.demo import data
from qingyuan.enterprises import actions as ent_actions
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership, Person, Unit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["建华", "晓燕", "志明", "丽娟", "国强", "海燕", "文斌", "春华", "永刚", "秀兰", "俊杰", "雪梅", "立新", "红梅",
         "德胜", "静怡", "振宇", "玉珍", "明辉", "小平"]
UNIT_USERNAMES = {"县工信局": "gxj", "县发改委": "fgw", "县安监局": "ajj", "县住建局": "zjj", "县国土局": "gtj",
                  "县供电公司": "gdgs", "县水利局": "slj", "石桥乡": "shiqiao", "白沙镇": "baisha",
                  "青溪镇": "qingxi", "柳湾乡": "liuwan"}


def _name(key: str) -> str:
    n = zlib.crc32(key.encode())
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 97) % len(GIVEN)]


class People:
    def __init__(self, park: Any, users: dict[str, Any]) -> None:
        self.park, self.office = park, users["office"]
        self.order = {row[0]: i for i, row in enumerate(data.ENTERPRISES, start=1)}
        self._enterprise: dict[int, Any] = {}
        self._unit: dict[int, Any] = {}
        self._password = ""  # the demo password hashed once: a hash costs most of a second

    def enterprise(self, e: Enterprise) -> Any:
        """The enterprise's first account; created (``ent<n>``, 环保专员) when it has none."""
        if e.pk not in self._enterprise:
            account = EnterpriseAccount.objects.filter(enterprise=e).select_related("user").order_by("pk").first()
            self._enterprise[e.pk] = account.user if account else self._new_enterprise_user(e)
        return self._enterprise[e.pk]

    def officer(self, unit: Unit | None) -> Any:
        """An active officer of ``unit``; created (``officer-<unit>``) when it has none. None without a unit."""
        if unit is None:
            return None
        if unit.pk not in self._unit:
            m = Membership.objects.filter(unit=unit, role=Role.UNIT_OFFICER, is_active=True,
                                          user__is_active=True).select_related("user").order_by("pk").first()
            self._unit[unit.pk] = m.user if m else self._new_officer(unit)
        return self._unit[unit.pk]

    def _user(self, username: str, name: str, position: str) -> Any:
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            self._password = self._password or make_password(data.PASSWORD)
            user = User.objects.create_user(username=username)
            User.objects.filter(pk=user.pk).update(password=self._password)
            Person.objects.create(user=user, name=name, position=position,
                                  phone=f"1390797{zlib.crc32(username.encode()) % 9000 + 1000}")
        return user

    def _new_enterprise_user(self, e: Enterprise) -> Any:
        index = self.order.get(e.name, e.pk)
        short = e.name.replace("有限公司", "").replace("股份", "").replace("青溪县", "").replace("江右", "")[:6]
        user = self._user(f"ent{index}", _name(e.name), f"{short}环保专员")
        Membership.objects.get_or_create(user=user, park=self.park, unit=None, role=Role.ENTERPRISE_USER)
        ent_actions.do_add_account(e, user, acting_user=self.office)
        return user

    def _new_officer(self, unit: Unit) -> Any:
        short = unit.short_name or unit.name
        user = self._user(f"officer-{UNIT_USERNAMES.get(short, unit.pk)}", _name(unit.name), f"{short}联络员")
        Membership.objects.get_or_create(user=user, park=self.park, unit=unit, role=Role.UNIT_OFFICER)
        return user
