"""Demo load control for the Qingxi county park (idempotent; called at the end of ``Seeder.run()``).

* the park's load policy (baseline year 2024, alerts at 80 % / 100 %);
* 2024 baselines of every enterprise from its permit's annual loads;
* the treatment plant's inlet left out of the loads;
* the ledger: closures of the closed, relocated and transformed enterprises and the done measures
  (the park's reduction targets come from the plans demo: COD and SO2 −10 %);
* two new projects: one that fits the free capacity (approved), one that does not (proposed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.loads import actions, ledger
from qingyuan.loads.models import BaselineLoad, ExcludedPoint, LoadPolicy, NewProject

BASELINE_YEAR = 2024
FITS = ("年产2万吨水性树脂项目", "青溪新材料科技有限公司", "利用关停企业腾出的总量指标，建设水性树脂生产线，配套废水预处理和RTO焚烧装置。")
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
    ledger.sync_park(park.pk, today=dt.date(2025, 12, 31))
    _projects(park, office)
    seeder.log(f"loads: {BaselineLoad.objects.filter(enterprise__park=park).count()} baselines, "
               f"{NewProject.objects.filter(park=park).count()} new projects")


def _share(value: Decimal, share: str) -> Decimal:
    return max(Decimal("0.0001"), (value * Decimal(share)).quantize(Decimal("0.0001")))


def _projects(park: Any, office: Any) -> None:
    if NewProject.objects.filter(park=park, name__in=[FITS[0], TOO_BIG[0]]).exists():
        return
    account = ledger.capacity(park.pk)
    cod, so2 = account["w01018"].available, account["a21026"].available
    # The first asks for part of what is free; the second for more COD and SO2 than is free.
    small = {"w01018": _share(max(cod, Decimal("0")), "0.4"), "a21026": _share(max(so2, Decimal("0")), "0.3")}
    big = {"w01018": max(cod, Decimal("0")) + Decimal("2.5"), "a21026": max(so2, Decimal("0")) + Decimal("12")}
    first = actions.do_propose_project(park, acting_user=office, name=FITS[0], applicant=FITS[1],
                                       description=FITS[2], loads=small, proposed_on=dt.date(2026, 6, 18))
    if ledger.fits(first)[0]:
        actions.do_approve_project(first, acting_user=office, note="经核算，项目新增总量在园区腾出的环境容量内，同意。",
                                   decided_on=dt.date(2026, 7, 10))
    actions.do_propose_project(park, acting_user=office, name=TOO_BIG[0], applicant=TOO_BIG[1],
                               description=TOO_BIG[2], loads=big, proposed_on=dt.date(2026, 10, 9))
