"""The demo's two cases: 华丰 fully paid, 金源 with one overdue and one gated instalment; seeded once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import time_machine

from qingyuan.closures.models import ClosureCase, ClosureStep
from qingyuan.compensation import demo, services
from qingyuan.compensation.models import CompensationCase
from qingyuan.compensation.tests.county import at
from qingyuan.core.models import AuditEntry
from qingyuan.demo import story

TODAY = dt.date(2026, 12, 5)
CLOSURE_STEPS = ["production_stopped", "utilities_cut", "equipment_dismantled", "waste_disposed",
                 "soil_investigated", "permits_cancelled", "points_decommissioned", "final_check"]


def _closed(world: Any, enterprise: Any, day: dt.date, verified: list[str]) -> ClosureCase:
    case = ClosureCase.objects.create(
        park=world.park, enterprise=enterprise, kind="closure", decision_number=f"青府关〔2026〕{enterprise.pk}号",
        decision_date=day - dt.timedelta(days=60), basis="obsolete_capacity", deadline=day + dt.timedelta(days=200),
        responsible_unit=world.bureau, opened_at=at(day - dt.timedelta(days=60)))
    for n, kind in enumerate(verified):
        done = day + dt.timedelta(days=n * 15)
        ClosureStep.objects.create(case=case, kind=kind, done_on=done, recorded_at=at(done), verified_at=at(done, 16))
    return case


@time_machine.travel("2026-12-05 10:00 +0800", tick=False)
def test_it_seeds_a_fully_paid_case_and_one_with_an_overdue_and_a_gated_instalment_once(county: Any) -> None:
    world = county.world
    cal = story.calendar(TODAY)
    world.enterprise_a.name, world.enterprise_b.name = demo.HUAFENG, demo.JINYUAN
    world.enterprise_a.save(), world.enterprise_b.save()
    county.closure.delete()
    _closed(world, world.enterprise_a, cal.closure(demo.HUAFENG), CLOSURE_STEPS)
    _closed(world, world.enterprise_b, cal.closure(demo.JINYUAN), CLOSURE_STEPS[:3])
    seeder = SimpleNamespace(park=world.park, story=cal, log=lambda *a: None,
                             users={"office": world.regulator, "finance": county.finance})
    demo.seed(seeder)

    huafeng = CompensationCase.objects.get(enterprise__name=demo.HUAFENG)
    ledger = services.ledger(huafeng, TODAY)
    assert huafeng.status == "paid" and ledger.agreed == Decimal("9200000.00") and ledger.balance == 0
    assert {p.budget_line for p in ledger.payments} == {"county", "subsidy", "park"}

    jinyuan = CompensationCase.objects.get(enterprise__name=demo.JINYUAN)
    ledger = services.ledger(jinyuan, TODAY)
    assert jinyuan.status == "paying" and ledger.paid == Decimal("1188000.00")
    assert ledger.balance == Decimal("2772000.00")
    assert [r.state for r in ledger.rows] == ["paid", "overdue", "gated", "gated"]
    assert ledger.rows[2].instalment.condition == "waste_disposed"
    assert jinyuan.disputes.get().status == "resolved"

    for case in (huafeng, jinyuan):
        c = cal.closure(case.enterprise.name)
        assert case.signed_on < c and all(p.paid_on <= TODAY for p in case.payments.all())
        for p in case.payments.select_related("instalment"):
            assert p.paid_on >= services.verified_at(case, p.instalment.condition).date()
    # backdated: the history reads as the story's, not as the seeding day
    assert not AuditEntry.objects.filter(action__startswith="compensation.", time__date=TODAY).exists()

    entries = AuditEntry.objects.count()
    demo.seed(seeder)
    assert CompensationCase.objects.count() == 2 and AuditEntry.objects.count() == entries
