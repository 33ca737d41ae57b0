"""A closed plant of the test park with its closure steps, a finance officer, and a case at each stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from qingyuan.closures.models import ClosureCase, ClosureStep
from qingyuan.compensation import actions
from qingyuan.compensation.models import CompensationCase
from qingyuan.org.choices import Role
from qingyuan.test import World, make_user

ZONE = ZoneInfo("Asia/Shanghai")
SIGNED = dt.date(2026, 6, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZONE)


@dataclass
class County:
    world: World
    finance: Any
    closure: ClosureCase

    def verify(self, kind: str, day: dt.date) -> ClosureStep:
        step, _ = ClosureStep.objects.update_or_create(
            case=self.closure, kind=kind,
            defaults={"done_on": day, "recorded_at": at(day), "verified_at": at(day, 15)})
        return step


def make_county(world: World) -> County:
    finance = make_user("finance", world.park, Role.FINANCE, name="财政局股长")
    closure = ClosureCase.objects.create(
        park=world.park, enterprise=world.enterprise_a, kind="closure", decision_number="青府关〔2026〕1号",
        decision_date=dt.date(2026, 3, 1), basis="obsolete_capacity", deadline=dt.date(2026, 9, 30),
        responsible_unit=world.bureau, opened_at=at(dt.date(2026, 3, 1)))
    return County(world=world, finance=finance, closure=closure)


def negotiating(county: County) -> CompensationCase:
    """A case with its inventory and appraisal, in negotiation, one meeting held."""
    office = county.world.regulator
    case = actions.do_open_case(county.closure, acting_user=office)
    actions.do_add_inventory_item(case, kind="land", description="厂区用地", quantity="32.5", acting_user=office)
    actions.do_add_appraisal(case, appraiser="江右华信资产评估有限公司", report_number="华信评报字〔2026〕18号",
                             appraised_on=dt.date(2026, 4, 10),
                             amounts={"land": "3200000", "building": "2400000", "equipment": "980000.50"},
                             acting_user=office)
    actions.do_fire_case(case, "negotiate", acting_user=office)
    actions.do_add_negotiation(case, held_on=dt.date(2026, 5, 12), participants="县补偿安置组、企业法人",
                               summary="企业要求提高设备补偿", offered="6000000", requested="7200000", acting_user=office)
    return case


SCHEDULE = [
    {"amount": Decimal("2000000.00"), "due_on": dt.date(2026, 6, 15), "condition": "production_stopped"},
    {"amount": Decimal("2500000.00"), "due_on": dt.date(2026, 8, 31), "condition": "equipment_dismantled"},
    {"amount": Decimal("1800000.25"), "due_on": dt.date(2026, 10, 31), "condition": "waste_disposed"},
]
AGREED = Decimal("6300000.25")


def agreed(county: County) -> CompensationCase:
    case = negotiating(county)
    actions.do_record_agreement(case, number="青补协〔2026〕1号", signed_on=SIGNED, amount=AGREED,
                                instalments=SCHEDULE, acting_user=county.world.regulator)
    case.refresh_from_db()
    return case


def today() -> dt.date:
    return timezone.localdate()
