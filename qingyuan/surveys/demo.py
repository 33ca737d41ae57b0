"""The demo county's satisfaction surveys (seeded after the year of history).

Ten villages and communities around the park form the sampling frame. Two yearly rounds are closed:
last year's (November–December, before the clean-up was finished: about 55 % satisfied, lower close to
the park) and this year's (the six weeks before the demo day: about 83 %), as complaints fell from about
seventy to about ten. About a third of the questionnaires came back on paper, entered in numbered
batches; the rest were answered on phones. Everything is generated from a fixed seed, so the figures are
the same each time; nothing is done when the park already has a frame.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qingyuan.core import audit
from qingyuan.demo.story import backdated, moment
from qingyuan.surveys import actions
from qingyuan.surveys.choices import Channel, QuestionKind
from qingyuan.surveys.models import Response, Round, Village
from qingyuan.surveys.phone import phone_hash

# name, township (short name), households, population, distance to the park (km)
VILLAGES = [
    ("临江村", "临江镇", 412, 1460, "0.80"), ("园北社区", "临江镇", 356, 1105, "1.10"),
    ("白沙村", "白沙镇", 389, 1352, "1.60"), ("江口村", "临江镇", 298, 1032, "1.90"),
    ("石桥村", "石桥乡", 334, 1187, "2.20"), ("新塘村", "临江镇", 265, 918, "2.60"),
    ("东岗村", "白沙镇", 240, 865, "3.10"), ("下洲村", "石桥乡", 211, 746, "3.80"),
    ("柳湾村", "柳湾乡", 305, 1091, "4.50"), ("青溪镇东街社区", "青溪镇", 620, 1980, "5.20"),
]
CONCERNS = ["异味", "废水", "噪声", "粉尘", "固体废物", "没有明显问题"]
CHANGE = ["明显改善", "有所改善", "没有变化", "有所变差", "明显变差"]
REMARKS = {
    "before": ["晚上气味还是很大，希望加强夜间巡查。", "河里的水颜色不对，希望查清排污口。", "希望公开企业整治的进度。",
               "大货车太多，路上灰大。"],
    "after": ["关停了几家厂以后空气好多了。", "希望长期坚持，不要反弹。", "河水比去年清了，感谢政府。",
              "偶尔夜里还有点味道，希望继续盯住。"],
}


def _questions(r: Round, office: Any) -> None:
    for kind, text, options, required in (
            (QuestionKind.SINGLE, "您家距离化工园区大约多远？", ["1公里以内", "1-3公里", "3公里以上"], True),
            (QuestionKind.MULTIPLE, "您目前最关心的环境问题（可多选）", CONCERNS, False),
            (QuestionKind.LIKERT, "与一年前相比，园区周边的空气和河水", CHANGE, True),
            (QuestionKind.TEXT, "您对园区整治工作的意见和建议", [], False)):
        actions.do_add_question(r, {"kind": kind, "text": text, "options": options, "required": required,
                                    "is_satisfaction": False}, acting_user=office)


def _point(rng: random.Random, share: float) -> int:
    """A satisfaction point: 满意/基本满意 with probability ``share``, else 一般/不满意/很不满意."""
    if rng.random() < share:
        return 1 if rng.random() < 0.45 else 2
    return rng.choices([3, 4, 5], weights=[5, 3, 1])[0]


def _answers(rng: random.Random, r: Round, village: Village, point: int, after: bool) -> dict[str, Any]:
    q = {x.position: x for x in r.questions.all()}
    distance = float(village.distance_km)
    band = 1 if distance < 1 else (2 if distance <= 3 else 3)
    concerns = sorted({rng.choices(range(1, 6), weights=[6, 3, 2, 2, 1] if not after else [3, 1, 1, 1, 1])[0]
                       for _ in range(rng.randint(1, 2))})
    if after and rng.random() < 0.35:
        concerns = [6]
    change = min(5, max(1, point + rng.choice([-1, 0, 0, 1]) - (1 if after else 0)))
    out: dict[str, Any] = {str(q[1].pk): [point], str(q[2].pk): [band], str(q[3].pk): concerns,
                           str(q[4].pk): [change]}
    if rng.random() < 0.08:
        out[str(q[5].pk)] = rng.choice(REMARKS["after" if after else "before"])
    return out


def _round(seeder: Any, title: str, year: int, opens: dt.date, closes: dt.date, share: float, after: bool,
           villages: list[Village], seed: int) -> Round:
    office = seeder.users["office"]
    rng = random.Random(seed)
    with backdated(moment(opens - dt.timedelta(days=7))):
        r = actions.do_create_round(seeder.park, {"title": title, "kind": "yearly", "year": year, "opens_on": opens,
                                                  "closes_on": closes, "intro": ""}, acting_user=office)
        _questions(r, office)
    with backdated(moment(opens)):
        actions.do_fire_round(r, "open", acting_user=office)
    days = max(1, (closes - opens).days)
    for number, village in enumerate(villages, start=1):
        n = max(12, round(village.households * rng.uniform(0.09, 0.13)))
        local = min(0.97, share + 0.035 * (float(village.distance_km) - 2.5))  # closer to the park, less satisfied
        phones, papers = [], []
        for i in range(n):
            point = _point(rng, local)
            answers = _answers(rng, r, village, point, after)
            when = moment(opens + dt.timedelta(days=rng.randint(0, days)), rng.randint(8, 20), rng.randint(0, 59))
            if rng.random() < 0.32:
                papers.append((answers, point))
            else:
                phones.append(Response(round=r, village=village, channel=Channel.PHONE, answers=answers,
                                       satisfaction=point, submitted_at=when,
                                       phone_hash=phone_hash(f"13{seed % 10}{village.pk:03d}{i:05d}")))
        with backdated(moment(closes)), transaction.atomic():
            # Phone answers as the SMS check stored them (the codes themselves are not part of the story).
            Response.objects.bulk_create(phones)
            audit.record("survey_response.seed", r, acting_user=None, related=village,
                         after={"village": village.name, "channel": Channel.PHONE, "responses": len(phones)})
            if papers:
                batch = actions.do_create_batch(r, village, number=f"P{year}-{number:02d}",
                                                note=f"{village.name}村（居）委会收回", acting_user=office)
                actions.do_enter_paper_responses(batch, papers, acting_user=office, at=moment(closes, 16))
    with backdated(moment(closes, 18)):
        actions.do_fire_round(r, "close", acting_user=office)
    Round.objects.filter(pk=r.pk).update(closed_at=moment(closes, 18))
    return r


def seed(seeder: Any) -> None:
    """Called by the demo Seeder after the history; idempotent."""
    park = seeder.park
    if Village.objects.filter(park=park).exists():
        return
    office = seeder.users["office"]
    villages = []
    with transaction.atomic():
        for order, (name, town, households, population, distance) in enumerate(VILLAGES, start=1):
            villages.append(actions.do_save_village(park, {
                "name": name, "township": seeder.units.get(town), "households": households, "population": population,
                "distance_km": Decimal(distance), "sort_order": order, "is_active": True}, acting_user=office))
    today = timezone.localdate()
    last = today.year - 1
    _round(seeder, f"{last}年化工园区周边群众满意度调查", last, dt.date(last, 11, 10), dt.date(last, 12, 10),
           0.55, False, villages, 2025)
    _round(seeder, f"{today.year}年化工园区周边群众满意度调查", today.year, today - dt.timedelta(days=45),
           today - dt.timedelta(days=10), 0.83, True, villages, 2026)
