"""The demo county's compensation and buy-back (seeded after the closures' demo).

Two cases, dated from the story's closure days (``story.CLOSURES``):

* 青溪县华丰农药有限公司 (closed and fully verified by the closures demo): appraised, negotiated,
  agreed at 9,200,000.00 yuan in three instalments gated on the stop, the dismantling and the
  final check, all paid (county budget, higher-level subsidy, park funds): status "fully paid".
* 青溪县金源油脂化工厂: a dispute over the equipment valuation during negotiation, resolved; agreed at
  3,960,000.00 yuan in four instalments. The first is paid; the second's step is verified and its
  due date has passed, unpaid (overdue); the third waits for the hazardous-waste disposal, which the
  closures demo has not verified yet; the fourth waits for the final check.

Idempotent: a closure that already has a case is left alone. Without the closures demo's case for a
plant, that plant's compensation is skipped (and logged).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qingyuan.compensation import actions, services
from qingyuan.compensation.models import CompensationCase
from qingyuan.demo import story

HUAFENG = "青溪县华丰农药有限公司"
JINYUAN = "青溪县金源油脂化工厂"
APPRAISER = "江右华信资产评估有限公司"


def _closure(name: str) -> Any:
    from qingyuan.closures.models import ClosureCase

    return ClosureCase.objects.filter(enterprise__name=name).exclude(status="cancelled").first()


def _at(day: dt.date) -> Any:
    return story.backdated(story.moment(day))


def _verified_on(case: CompensationCase, kind: str) -> dt.date | None:
    at = services.verified_at(case, kind)
    return timezone.localdate(at) if at else None


def _prepare(seeder: Any, closure: Any, c: dt.date, inventory: list[tuple[str, str, str]],
             appraisal: dict[str, str], number: str) -> CompensationCase:
    office = seeder.users["office"]
    with _at(c - dt.timedelta(days=40)):
        case = actions.do_open_case(closure, acting_user=office)
        for kind, description, quantity in inventory:
            actions.do_add_inventory_item(case, kind=kind, description=description, quantity=quantity,
                                          acting_user=office)
    with _at(c - dt.timedelta(days=30)):
        actions.do_add_appraisal(case, appraiser=APPRAISER, report_number=number,
                                 appraised_on=c - dt.timedelta(days=30), amounts=appraisal, acting_user=office)
        actions.do_fire_case(case, "negotiate", acting_user=office)
    return case


def _pay(seeder: Any, case: CompensationCase, sequence: int, parts: list[tuple[str, str, str]],
         due: dt.date) -> None:
    instalment = case.instalments.get(sequence=sequence)
    verified = _verified_on(case, instalment.condition) if instalment.condition else case.signed_on
    if verified is None:
        return
    day = min(max(due - dt.timedelta(days=3), verified + dt.timedelta(days=2), case.signed_on),
              seeder.story.today - dt.timedelta(days=1))
    for voucher, line, amount in parts:
        with _at(day):
            actions.do_record_payment(instalment, voucher_number=voucher, budget_line=line, paid_on=day,
                                      amount=Decimal(amount), acting_user=seeder.users["finance"])


def _huafeng(seeder: Any, closure: Any) -> None:
    c = seeder.story.closure(HUAFENG)
    office = seeder.users["office"]
    case = _prepare(seeder, closure, c, [
        ("land", "厂区国有工业用地（青国用〔2009〕第118号）", "45.6"),
        ("building", "生产车间、仓库及办公楼（砖混、钢结构）", "12800"),
        ("equipment", "反应釜（5000L搪瓷）", "12"), ("equipment", "储罐（30m³）", "8"),
        ("equipment", "精馏塔", "2")],
        {"land": "4104000", "building": "3840000", "equipment": "1265400", "other": "180000"},
        "华信评报字〔2026〕第021号")
    with _at(c - dt.timedelta(days=18)):
        actions.do_add_negotiation(case, held_on=c - dt.timedelta(days=18), participants="补偿安置组、县财政局、县国土局、企业法人张卫东",
                                   summary="企业对设备成新率有异议，要求按重置价补偿；县方按评估价提出初步方案。",
                                   offered="8900000", requested="9800000", acting_user=office)
    with _at(c - dt.timedelta(days=8)):
        actions.do_add_negotiation(case, held_on=c - dt.timedelta(days=8), participants="补偿安置组、县财政局、企业法人张卫东",
                                   summary="双方同意按评估总价下浮约2%一次性包干，分三期支付，与关停步骤验收挂钩。",
                                   offered="9200000", requested="9200000", acting_user=office)
    dues = [c + dt.timedelta(days=10), c + dt.timedelta(days=60), c + dt.timedelta(days=150)]
    with _at(c - dt.timedelta(days=5)):
        actions.do_record_agreement(case, number="青补协〔2026〕1号", signed_on=c - dt.timedelta(days=5),
                                    amount=Decimal("9200000.00"), instalments=[
                                        {"amount": Decimal("3680000.00"), "due_on": dues[0], "condition": "production_stopped"},
                                        {"amount": Decimal("3220000.00"), "due_on": dues[1], "condition": "equipment_dismantled"},
                                        {"amount": Decimal("2300000.00"), "due_on": dues[2], "condition": "final_check"}],
                                    acting_user=office)
    case.refresh_from_db()
    _pay(seeder, case, 1, [("青财补〔2026〕031号", "county", "3680000.00")], dues[0])
    _pay(seeder, case, 2, [("青财补〔2026〕058号", "subsidy", "3220000.00")], dues[1])
    _pay(seeder, case, 3, [("青财补〔2026〕097号", "county", "1300000.00"),
                           ("青财补〔2026〕098号", "park", "1000000.00")], dues[2])


def _jinyuan(seeder: Any, closure: Any) -> None:
    c = seeder.story.closure(JINYUAN)
    office = seeder.users["office"]
    case = _prepare(seeder, closure, c, [
        ("land", "厂区工业用地", "18.2"), ("building", "浸出车间、精炼车间及油罐区", "5600"),
        ("equipment", "浸出器及蒸脱机", "3"), ("equipment", "油罐（200m³）", "6")],
        {"land": "1638000", "building": "1568000", "equipment": "742500", "other": "96000"},
        "华信评报字〔2026〕第034号")
    with _at(c - dt.timedelta(days=20)):
        actions.do_add_negotiation(case, held_on=c - dt.timedelta(days=20), participants="补偿安置组、县财政局、厂长郑宏伟",
                                   summary="企业认为浸出设备评估价偏低，提出复核。", offered="3800000",
                                   requested="4500000", acting_user=office)
        actions.do_raise_dispute(case, raised_on=c - dt.timedelta(days=20), raised_by="青溪县金源油脂化工厂",
                                 subject="对浸出器及蒸脱机的评估价值提出异议，申请复核。", acting_user=office)
    with _at(c - dt.timedelta(days=10)):
        actions.do_resolve_dispute(case.disputes.get(), resolved_on=c - dt.timedelta(days=10), acting_user=office,
                                   resolution="评估机构复核后维持原评估结论，设备残值另计入其他补偿，双方同意恢复协商。")
    with _at(c - dt.timedelta(days=6)):
        actions.do_add_negotiation(case, held_on=c - dt.timedelta(days=6), participants="补偿安置组、县财政局、厂长郑宏伟",
                                   summary="按复核结果确定补偿总额，分四期支付，末期在危废处置和最终核查验收后支付。",
                                   offered="3960000", requested="3960000", acting_user=office)
    dues = [c + dt.timedelta(days=15), c + dt.timedelta(days=75), c + dt.timedelta(days=120),
            c + dt.timedelta(days=240)]
    # The overdue instalment's condition: the last step before the waste disposal that the closures demo verified.
    overdue_step = next((k for k in ("equipment_dismantled", "utilities_cut")
                         if services.verified_at(case, k) is not None), "equipment_dismantled")
    with _at(c - dt.timedelta(days=4)):
        actions.do_record_agreement(case, number="青补协〔2026〕2号", signed_on=c - dt.timedelta(days=4),
                                    amount=Decimal("3960000.00"), instalments=[
                                        {"amount": Decimal("1188000.00"), "due_on": dues[0], "condition": "production_stopped"},
                                        {"amount": Decimal("1188000.00"), "due_on": dues[1], "condition": overdue_step},
                                        {"amount": Decimal("990000.00"), "due_on": dues[2], "condition": "waste_disposed"},
                                        {"amount": Decimal("594000.00"), "due_on": dues[3], "condition": "final_check"}],
                                    acting_user=office)
    case.refresh_from_db()
    _pay(seeder, case, 1, [("青财补〔2026〕052号", "county", "1188000.00")], dues[0])


def seed(seeder: Any) -> None:
    """Called by the demo Seeder after the closures' demo; idempotent."""
    for name, build in ((HUAFENG, _huafeng), (JINYUAN, _jinyuan)):
        closure = _closure(name)
        if closure is None:
            seeder.log(f"compensation: no closure case for {name}; skipped")
            continue
        if CompensationCase.objects.filter(closure=closure).exists():
            continue
        build(seeder, closure)
    seeder.log(f"compensation: {CompensationCase.objects.filter(park=seeder.park).count()} cases")
