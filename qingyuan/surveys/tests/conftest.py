"""A small survey fixture: two villages (one in the persona township), a round with four questions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from qingyuan.complaints import sms
from qingyuan.surveys import actions
from qingyuan.surveys.choices import QuestionKind
from qingyuan.surveys.models import Village


@pytest.fixture(autouse=True)
def _memory_sms(request: Any, settings: Any) -> None:
    wanted = {"db", "transactional_db"} & set(request.fixturenames)
    if wanted:
        request.getfixturevalue(wanted.pop())
        cache.clear()
    sms.MemoryBackend.outbox.clear()
    settings.QINGYUAN_SMS_BACKEND = "qingyuan.complaints.sms.MemoryBackend"


def village(world: Any, name: str, *, township: bool = True, order: int = 1) -> Village:
    return actions.do_save_village(world.park, {
        "name": name, "township": world.township_unit if township else None, "households": 120, "population": 400,
        "distance_km": Decimal("1.50"), "sort_order": order, "is_active": True}, acting_user=world.regulator)


def new_round(world: Any, *, year: int | None = None, opens: dt.date | None = None, status: str = "open") -> Any:
    today = timezone.localdate()
    year = year or today.year
    opens = opens or today - dt.timedelta(days=3)
    r = actions.do_create_round(world.park, {"title": f"{year}年园区周边群众满意度调查", "kind": "yearly", "year": year,
                                             "opens_on": opens, "closes_on": opens + dt.timedelta(days=30),
                                             "intro": ""}, acting_user=world.regulator)
    actions.do_add_question(r, {"kind": QuestionKind.SINGLE, "text": "您家距园区多远？", "options": ["1公里内", "1-3公里", "3公里外"],
                                "required": True, "is_satisfaction": False}, acting_user=world.regulator)
    actions.do_add_question(r, {"kind": QuestionKind.MULTIPLE, "text": "您最关心哪些问题？",
                                "options": ["异味", "废水", "噪声", "粉尘"], "required": False, "is_satisfaction": False},
                            acting_user=world.regulator)
    actions.do_add_question(r, {"kind": QuestionKind.TEXT, "text": "您的意见和建议", "options": [], "required": False,
                                "is_satisfaction": False}, acting_user=world.regulator)
    if status in ("open", "closed"):
        actions.do_fire_round(r, "open", acting_user=world.regulator)
    if status == "closed":
        actions.do_fire_round(r, "close", acting_user=world.regulator)
    r.refresh_from_db()
    return r


def questions(r: Any) -> dict[str, Any]:
    qs = list(r.questions.all())
    return {"satisfaction": next(q for q in qs if q.is_satisfaction), "single": qs[1], "multiple": qs[2],
            "text": qs[3]}


def post_data(r: Any, point: int, code: str = "", **extra: Any) -> dict[str, Any]:
    q = questions(r)
    data = {f"q{q['satisfaction'].pk}": str(point), f"q{q['single'].pk}": "2", f"q{q['multiple'].pk}": ["1", "3"],
            f"q{q['text'].pk}": "希望继续加强夜间巡查"}
    if code:
        data["code"] = code
    data.update(extra)
    return data


def last_code() -> str:
    import re

    return re.search(r"(?<!\d)\d{6}(?!\d)", sms.MemoryBackend.outbox[-1][1]).group(0)
