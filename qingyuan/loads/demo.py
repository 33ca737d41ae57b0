"""Demo load control for the Qingxi county park (idempotent; called at the end of ``Seeder.run()``).

* the park's load policy (baseline year 2024, alerts at 80 % / 100 %);
* 2024 baselines of every enterprise from its permit's annual loads;
* the treatment plant's inlet left out of the loads;
* the substituted hours (HJ 75-2017) of the seeded flue-gas history, stored for the totals;
* the ledger: closures of the closed, relocated and transformed enterprises and the done measures
  (the park's reduction targets come from the plans demo: COD and SO2 −10 %); the wastewater
  ones of indirect dischargers free capacity at the plant, so the plant's own reduction is booked;
* two new projects: one that fits the free capacity (approved), one that does not (proposed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.loads import actions, ledger, substituted
from qingyuan.loads import rebound as rebound_watch
from qingyuan.loads.choices import EntryKind
from qingyuan.loads.models import (
    BaselineLoad,
    ExcludedPoint,
    LedgerEntry,
    LoadPolicy,
    NewProject,
    ReboundFlag,
)
from qingyuan.plans import actions as plan_actions
from qingyuan.plans.models import ParkPlan
from qingyuan.tasks.models import Assignment

BASELINE_YEAR = 2024
FITS = ("年产2万吨水性树脂项目", "青溪新材料科技有限公司", "利用关停企业腾出的总量指标，建设水性树脂生产线，配套废水预处理和RTO焚烧装置。")
PLANT_CUT = {"w01018": Decimal("0.18"), "w21003": Decimal("0.18")}
PLANT_REASON = "关停企业废水不再接管，污水处理厂提标至一级A，出水负荷核减"
TARGET_CODES = ("w01018", "w21003", "a21026", "a21002")
TOO_BIG = ("年产10万吨氯碱扩建项目", "江右蓝天氯碱有限公司", "扩建离子膜烧碱装置及配套燃煤锅炉。")


def seed(seeder: Any) -> None:
    park = seeder.park
    office = seeder.users["office"]
    LoadPolicy.objects.get_or_create(park=park, defaults={"baseline_year": BASELINE_YEAR})
    for e in Enterprise.objects.filter(park=park).order_by("name"):
        if not BaselineLoad.objects.filter(enterprise=e, year=BASELINE_YEAR).exists():
            actions.do_seed_baselines(e, BASELINE_YEAR, acting_user=office)
    for point in MonitoringPoint.objects.filter(park=park, name__contains="进水口"):
        ExcludedPoint.objects.get_or_create(point=point, defaults={"reason": "污水处理厂进水，不是排放"})
    _targets(seeder)
    ledger.sync_park(park.pk, today=timezone.localdate())
    _plant_adjustment(park, office)
    _projects(park, office)
    seeder.log(f"loads: {BaselineLoad.objects.filter(enterprise__park=park).count()} baselines, "
               f"{NewProject.objects.filter(park=park).count()} new projects")


def _substituted(seeder: Any) -> None:
    """The HJ 75-2017 substituted hours of the seeded history (the bulk computation tells no listener)."""
    points = MonitoringPoint.objects.filter(park=seeder.park, outlet__medium="gas").values_list("pk", flat=True)
    written = substituted.rebuild(list(points), seeder.story.start)
    seeder.log(f"loads: {written} substituted run-months of flue-gas hours")


def _targets(seeder: Any) -> None:
    """The plan's reduction targets for the key pollutants: the park's counted 2024 baselines (Σ of the
    enterprises' permitted annual loads, each kilogram once) and 10 % below them (the speech's −10 %)."""
    park_plan = ParkPlan.objects.filter(park=seeder.park).order_by("pk").first()
    if park_plan is None or park_plan.load_targets.exists():
        return
    account = ledger.capacity(seeder.park.pk)
    for code in TARGET_CODES:
        if code not in account:
            continue
        baseline = account[code].baseline.quantize(Decimal("0.1"))
        plan_actions.do_add_load_target(park_plan, acting_user=seeder.users["office"], pollutant_code=code,
                                        baseline_t=baseline, target_t=(baseline * Decimal("0.9")).quantize(Decimal("0.1")))


def rebound(seeder: Any) -> None:
    """The rebound watch over the seeded year: it finds the story's rebound case (``demo.story.REBOUND``)
    and issues its assignment; the flag's closing note field stays empty, the explanation is in the
    assignment's requirements, which the flag's page links."""
    from qingyuan.demo.story import REBOUND_EXPLANATION

    _substituted(seeder)  # the history is seeded by now

    if ReboundFlag.objects.filter(park=seeder.park).exists():
        return
    for flag in rebound_watch.run_park(seeder.park.pk):
        if flag.assignment_id:
            Assignment.objects.filter(pk=flag.assignment_id).update(
                requirements=f"{REBOUND_EXPLANATION}\n\n{flag.assignment.requirements}")


def _plant_adjustment(park: Any, office: Any) -> None:
    """The closed enterprises' wastewater no longer reaches the plant and the plant meets class 1A:
    its effluent load is booked down. (Closures of indirect dischargers free capacity at the plant;
    only the plant's own reduction reaches the river.)"""
    plant = Enterprise.objects.filter(park=park, industry="N77", name__contains="污水").first()
    if plant is None or LedgerEntry.objects.filter(enterprise=plant, kind=EntryKind.ADJUSTMENT).exists():
        return
    for b in BaselineLoad.objects.filter(enterprise=plant, year=BASELINE_YEAR, pollutant_code__in=PLANT_CUT):
        actions.do_record_adjustment(plant, acting_user=office, pollutant_code=b.pollutant_code,
                                     delta_t=-(b.load_t * PLANT_CUT[b.pollutant_code]).quantize(Decimal("0.0001")),
                                     reason=PLANT_REASON, date=dt.date(2025, 12, 20))


def _share(value: Decimal, share: str) -> Decimal:
    return max(Decimal("0.0001"), (value * Decimal(share)).quantize(Decimal("0.0001")))


def _projects(park: Any, office: Any) -> None:
    if NewProject.objects.filter(park=park, name__in=[FITS[0], TOO_BIG[0]]).exists():
        return
    account = ledger.capacity(park.pk)
    cod, so2 = account["w01018"].available, account["a21026"].available
    # The first asks for part of what is free; the second for more COD and SO2 than is free.
    small = {code: _share(free, share) for code, free, share in (("w01018", cod, "0.4"), ("a21026", so2, "0.3"))
             if free > 0}
    big = {"w01018": max(cod, Decimal("0")) + Decimal("2.5"), "a21026": max(so2, Decimal("0")) + Decimal("12")}
    first = actions.do_propose_project(park, acting_user=office, name=FITS[0], applicant=FITS[1],
                                       description=FITS[2], loads=small, proposed_on=dt.date(2026, 6, 18))
    if ledger.fits(first)[0]:
        actions.do_approve_project(first, acting_user=office, note="经核算，项目新增总量在园区腾出的环境容量内，同意。",
                                   decided_on=dt.date(2026, 7, 10))
    actions.do_propose_project(park, acting_user=office, name=TOO_BIG[0], applicant=TOO_BIG[1],
                               description=TOO_BIG[2], loads=big, proposed_on=dt.date(2026, 10, 9))
