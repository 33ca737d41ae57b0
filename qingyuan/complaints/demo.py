"""Demo complaints for the demo county: two years whose counts fall after the clean-up.

About seventy complaints last calendar year, before the clean-up was finished, far fewer
this year, in every state: closed with ratings, late
replies, one not accepted, merged duplicates, a review (复查) in progress, one returned as
"not ours", recent ones waiting for the office or the unit, and one petition (信访) with
an approved extension. Everything goes through the actions, back-dated with their
``received_at`` / ``at`` arguments (the audit entries record when the demo was seeded).
Idempotent: nothing is done when the park already has complaints.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qingyuan.complaints import actions
from qingyuan.complaints.actions.receipt import do_record_sms_receipt
from qingyuan.complaints.choices import SmsPurpose, SmsStatus
from qingyuan.complaints.models import CategoryRule, Complaint, ComplaintPolicy, SmsMessage
from qingyuan.enterprises.models import Enterprise

BEFORE, AFTER = 70, 10
# Enterprises the villagers complained about most, before the clean-up.
NOTORIOUS = ["临江染料化工有限公司", "江右蓝天氯碱有限公司", "青溪县华丰农药有限公司", "江右精细化工股份有限公司",
             "青溪天和化学有限公司", "青溪县兴隆颜料化工有限公司", "青溪县金源油脂化工厂"]
CATEGORIES = [("odour", 40), ("waste_water", 22), ("smoke_dust", 16), ("noise", 10), ("solid_waste", 7), ("other", 5)]
CHANNELS = [("hotline", 40), ("online", 25), ("letter", 15), ("visit", 12), ("transfer", 8)]
TEXTS = {
    "odour": ["晚上闻到很刺鼻的化学品气味，关窗也挡不住，孩子咳嗽。", "凌晨两三点有股臭鸡蛋味，从园区方向飘过来。",
              "下风向村子整天一股酸味，眼睛发涩。"],
    "waste_water": ["厂区后面的沟渠流出黑色的水，青溪河边有死鱼。", "雨天从排水口冒出黄色泡沫的污水，直接进河。",
                    "村里水井的水有怪味，怀疑是化工厂渗漏。"],
    "smoke_dust": ["烟囱冒黄烟，晚上特别浓。", "厂里露天堆放的原料被风吹得到处是粉尘，晒的衣服都脏了。"],
    "noise": ["夜里机器轰鸣，吵得睡不着。", "半夜装卸货物，铁桶碰撞声很大。"],
    "solid_waste": ["有人往河滩倒桶装的废料，桶上有化学品标签。", "厂区外堆了很多废渣，下雨冲到农田里。"],
    "other": ["园区大货车超载，路面扬尘严重。", "希望公开园区企业的整治进展。"],
}
REPLIES = [
    "经现场检查，该企业废气收集设施存在破损，已责令立即整改，并将加强夜间巡查。",
    "经监测，厂界臭气浓度达标；已要求企业加强无组织排放管控，我局将持续跟踪。",
    "经查，该企业雨污分流不彻底，已立案调查并责令限期整改，整改完成后将组织复查。",
    "已约谈企业负责人，责令调整作业时间，夜间22时后停止装卸作业。",
    "倾倒废料的车辆已查获，已移交公安机关依法处理，河滩废料已清运。",
]
VILLAGERS = [("王秀英", "13979791001"), ("李建国", "13979791002"), ("张桂兰", "13979791003"), ("刘德明", "13979791004"),
             ("陈美华", "13979791005"), ("杨志刚", "13979791006"), ("赵玉梅", "13979791007"), ("黄春生", "13979791008"),
             ("周丽娟", "13979791009"), ("吴长根", "13979791010"), ("徐小红", "13979791011"), ("孙永福", "13979791012")]
VILLAGES = ["临江村", "石桥村", "白沙村", "青溪镇东街", "柳湾村", "园区北门外", "滨江大道路口"]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class ComplaintDemo:
    def __init__(self, seeder: Any) -> None:
        self.s = seeder
        self.park = seeder.park
        self.rng = random.Random(2612)
        self.now = timezone.now()
        self.office, self.epb, self.township = seeder.users["office"], seeder.users["epb"], seeder.users["township"]
        self.enterprises = list(Enterprise.objects.filter(park=self.park).select_related("linked_unit"))
        self.notorious = [e for e in self.enterprises if e.name in NOTORIOUS]

    # ---- configuration ---------------------------------------------------------------------------

    def configure(self) -> None:
        ComplaintPolicy.objects.get_or_create(park=self.park)
        for category, unit in (("noise", "临江镇"), ("solid_waste", "县环保局"), ("other", "临江镇")):
            CategoryRule.objects.get_or_create(park=self.park, category=category,
                                               defaults={"unit": self.s.units[unit]})

    # ---- one complaint -----------------------------------------------------------------------------

    def _fields(self, when: dt.datetime, *, before: bool) -> dict[str, Any]:
        rng = self.rng
        category = _weighted(rng, CATEGORIES)
        pool = self.notorious if before and rng.random() < 0.7 else self.enterprises
        enterprise = rng.choice(pool) if rng.random() < 0.75 else None
        fields: dict[str, Any] = {"category": category, "description": rng.choice(TEXTS[category]),
                                  "address": rng.choice(VILLAGES), "received_at": when}
        if enterprise is not None and enterprise.longitude is not None:
            jitter = [Decimal(rng.randrange(-120, 120)) / Decimal(100_000) for _ in range(2)]
            fields["longitude"] = enterprise.longitude + jitter[0]
            fields["latitude"] = enterprise.latitude + jitter[1]
            if rng.random() < 0.6:
                fields["enterprise"] = enterprise
        if rng.random() < 0.7:
            # a few villagers complain again and again
            name, phone = rng.choice(VILLAGERS[:4] if rng.random() < 0.4 else VILLAGERS)
            fields.update(name=name if rng.random() < 0.6 else "", phone=phone)
        return fields

    def _create(self, when: dt.datetime, *, before: bool, channel: str | None = None) -> Complaint:
        fields = self._fields(when, before=before)
        channel = channel or _weighted(self.rng, CHANNELS)
        if channel == "online":
            return actions.do_submit_complaint(park=self.park, **fields)
        return actions.do_register_complaint(park=self.park, acting_user=self.office, channel=channel,
                                             case_type="complaint", **fields)

    def _officer(self, c: Complaint) -> Any:
        """Who acts for the handling unit: the demo has officers for the bureau and the township."""
        return self.township if c.handling_unit_id == self.s.units["临江镇"].pk else self.epb

    def _accept(self, c: Complaint, when: dt.datetime) -> None:
        """The office accepts: to the suggested unit when it has an officer in the demo, else to the bureau."""
        if c.status != "received":
            return
        staffed = (self.s.units["县环保局"].pk, self.s.units["临江镇"].pk)
        unit = c.suggested_unit if c.suggested_unit_id in staffed else self.s.units["县环保局"]
        actions.do_accept_complaint(c, unit=unit, acting_user=self.office, at=when)

    def _handle(self, c: Complaint, *, days: int, late: bool = False) -> dt.datetime:
        """Accept (if still waiting), start, reply on time or late; return the reply time."""
        self._accept(c, c.received_at + dt.timedelta(days=self.rng.randint(0, 3)))
        c.refresh_from_db()
        user = self._officer(c)
        received = timezone.localdate(c.received_at)
        deadline = c.handle_deadline or received
        if late:
            reply_day = deadline + dt.timedelta(days=self.rng.randint(2, 9))
        else:
            reply_day = received + dt.timedelta(days=max(1, min(days, (deadline - received).days)))
        at = timezone.make_aware(dt.datetime.combine(reply_day, dt.time(15, 30)))
        at = min(at, self.now - dt.timedelta(hours=1))
        actions.do_start_handling(c, acting_user=user)
        actions.do_reply_complaint(c, acting_user=user, reply=self.rng.choice(REPLIES), at=at)
        if c.phone:  # the reply's text message went out ten minutes later: the complainant's receipt
            self._deliver_reply(c, at + dt.timedelta(minutes=10))
        return at

    @staticmethod
    def _deliver_reply(c: Complaint, delivered: dt.datetime) -> None:
        SmsMessage.objects.filter(complaint=c, purpose=SmsPurpose.REPLY, status=SmsStatus.PENDING).update(
            status=SmsStatus.SENT, sent_at=delivered)
        do_record_sms_receipt(c, delivered_at=delivered)

    def _finish(self, c: Complaint, replied: dt.datetime) -> None:
        if c.status != "replied":
            return
        roll = self.rng.random()
        if roll < 0.45:
            rating = "satisfied"
        elif roll < 0.75:
            rating = "basically_satisfied"
        elif roll < 0.85:
            rating = "dissatisfied"
        else:
            rating = ""
        if rating:
            actions.do_rate_complaint(c, rating=rating, at=replied + dt.timedelta(days=self.rng.randint(1, 6)))
        else:
            actions.do_close_complaint(c, acting_user=None, at=replied + dt.timedelta(days=31))

    # ---- the two years -----------------------------------------------------------------------------

    def history(self) -> None:
        """Closed complaints: last calendar year (before the clean-up was finished), then the quieter
        months of this year up to ten weeks ago.

        These were paper records: the office routed each one itself (no automatic acceptance).
        """
        today = timezone.localdate()
        last_jan1, jan1 = dt.date(today.year - 1, 1, 1), dt.date(today.year, 1, 1)
        windows = ((True, BEFORE, (today - last_jan1).days, (today - jan1).days + 1),
                   (False, AFTER, (today - jan1).days, 75))
        ComplaintPolicy.objects.filter(park=self.park).update(auto_accept=False)
        for before, count, start, end in windows:
            if start < end:
                continue  # early in the year: nothing between 1 January and ten weeks ago
            days = sorted(self.rng.randint(end, start) for _ in range(count))
            for ago in reversed(days):
                when = self.now - dt.timedelta(days=ago, hours=self.rng.randint(0, 12))
                c = self._create(when, before=before)
                if self.rng.random() < 0.04:
                    actions.do_not_accept_complaint(c, acting_user=self.office,
                                                    reason="反映的是劳动工资纠纷，不属于环保部门职责，请向人社部门反映。")
                    continue
                replied = self._handle(c, days=self.rng.randint(5, 40), late=self.rng.random() < 0.12)
                c.refresh_from_db()
                self._finish(c, replied)
        ComplaintPolicy.objects.filter(park=self.park).update(auto_accept=True)

    def recent(self) -> None:
        """The last weeks: every open state, a merged duplicate, a review and the petition."""
        now, units = self.now, self.s.units
        dye = next(e for e in self.enterprises if e.name == "临江染料化工有限公司")
        # two villagers report the same smell: the second is merged into the first
        first = actions.do_register_complaint(
            park=self.park, acting_user=self.office, channel="hotline", case_type="complaint", category="odour",
            description="今晚园区方向飘来很浓的刺鼻气味。", address="临江村", enterprise=dye, name="王秀英",
            phone="13979791001", received_at=now - dt.timedelta(days=3, hours=5))
        second = actions.do_submit_complaint(
            park=self.park, category="odour", description="刺鼻气味，像油漆味，头晕。", address="临江村五组",
            enterprise=dye, phone="13979791013", received_at=now - dt.timedelta(days=3, hours=2))
        actions.do_merge_complaint(second, into=first, acting_user=self.office, reason="同一时段同一企业异味")
        actions.do_start_handling(first, acting_user=self._officer(first))
        # waiting for the office: nothing routed it
        actions.do_submit_complaint(park=self.park, category="smoke_dust", description="远处有一股黑烟，不确定是哪家。",
                                    address="白沙村后山", received_at=now - dt.timedelta(days=1, hours=3))
        # accepted, not yet started
        actions.do_register_complaint(
            park=self.park, acting_user=self.office, channel="visit", case_type="complaint",
            category="waste_water", description="雨后排水口有黄色泡沫水。", address="青溪河桥下",
            enterprise=next(e for e in self.enterprises if e.name == "江右精细化工股份有限公司"),
            received_at=now - dt.timedelta(days=6))
        # returned by the bureau as not theirs: the office must re-route it
        noise = actions.do_register_complaint(
            park=self.park, acting_user=self.office, channel="hotline", case_type="complaint", category="smoke_dust",
            description="园区道路运输车辆扬尘严重。", address="滨江大道路口", received_at=now - dt.timedelta(days=9))
        if noise.status == "received":
            actions.do_accept_complaint(noise, unit=units["县环保局"], acting_user=self.office,
                                        at=now - dt.timedelta(days=8))
        actions.do_return_complaint(noise, acting_user=self.epb, reason="道路运输扬尘由住建部门负责。",
                                    suggested_unit=units["县住建局"])
        # accepted ten weeks ago and still not answered: overdue, red on the board (督办)
        late = actions.do_submit_complaint(
            park=self.park, category="noise", description="夜间装卸噪声扰民，多次反映未解决。", address="临江村",
            received_at=now - dt.timedelta(days=72))
        actions.do_start_handling(late, acting_user=self._officer(late))
        # replied, waiting for the complainant's rating
        waiting = actions.do_submit_complaint(
            park=self.park, category="noise", description="夜里装卸铁桶很吵。", address="临江村",
            phone="13979791005", received_at=now - dt.timedelta(days=12))
        self._handle(waiting, days=8)
        # dissatisfied with the reply: a review (复查) in progress, routed to the bureau
        old = actions.do_register_complaint(
            park=self.park, acting_user=self.office, channel="letter", case_type="complaint", category="odour",
            description="来信反映：夏天晚上异味反复出现。", address="石桥村", phone="13979791002", name="李建国",
            enterprise=next(e for e in self.enterprises if e.name == "青溪宏达化工有限公司"),
            received_at=now - dt.timedelta(days=40))
        self._handle(old, days=18)
        old.refresh_from_db()
        actions.do_rate_complaint(old, rating="dissatisfied", comment="气味仍然反复出现，答复没有解决问题。",
                                  request_review=True, at=now - dt.timedelta(days=5))
        review = old.reviews.get()
        actions.do_accept_complaint(review, unit=units["县环保局"], acting_user=self.office,
                                    at=now - dt.timedelta(days=4))
        self.petition()

    def petition(self) -> None:
        """A letter about relocation compensation: a petition with the 60-day clock and an extension."""
        now = self.now
        p = actions.do_register_complaint(
            park=self.park, acting_user=self.office, channel="letter", case_type="petition", category="other",
            description="来信反映：家中房屋位于园区卫生防护距离内，请求落实搬迁安置和补偿政策。", address="临江村七组",
            name="吴长根", phone="13979791010", township=self.s.units["临江镇"],
            received_at=now - dt.timedelta(days=50))
        actions.do_accept_complaint(p, unit=self.s.units["临江镇"], acting_user=self.office,
                                    at=now - dt.timedelta(days=46))
        actions.do_start_handling(p, acting_user=self.township)
        p.refresh_from_db()
        if p.handle_deadline and p.handle_deadline >= timezone.localdate():
            actions.do_request_extension(p, acting_user=self.township,
                                         reason="涉及土地评估和县政府补偿方案审批，需延长办理期限。")
            actions.do_decide_extension(p, acting_user=self.s.users["leader"], approve=True,
                                        reason="同意延期30日，请告知来信人延期理由。")


def backfill_receipts(park: Any) -> int:
    """A demo seeded before receipts were recorded (complaints 0006) has replies without one: each reply
    to a complainant who gave a phone gets the receipt a fresh seed gives it, its text message delivered
    ten minutes after the reply (or when the stored reply message was sent), dated then. A reply without
    a phone stays without a receipt, as in a fresh seed: the office has no signed one to enter."""
    from qingyuan.demo.story import backdated

    done = 0
    waiting = (Complaint.objects.filter(park=park, reply_received_on__isnull=True, replied_at__isnull=False)
               .exclude(phone="").select_related("merged_into").order_by("pk"))
    for c in waiting:
        sent = (SmsMessage.objects.filter(complaint=c, sent_at__gte=c.replied_at).order_by("sent_at")
                .values_list("sent_at", flat=True).first())
        delivered = sent or c.replied_at + dt.timedelta(minutes=10)
        with backdated(delivered):
            done += do_record_sms_receipt(c, delivered_at=delivered)
    return done


def seed(seeder: Any) -> None:
    if Complaint.objects.filter(park=seeder.park).exists():
        if n := backfill_receipts(seeder.park):
            seeder.log(f"complaints: {n} replies' receipts recorded")
        return
    demo = ComplaintDemo(seeder)
    demo.configure()
    demo.history()
    demo.recent()
    backfill_receipts(seeder.park)  # what a later run would add (merged complaints' replies): none left for it
    seeder.log(f"complaints: {Complaint.objects.filter(park=seeder.park).count()}")
