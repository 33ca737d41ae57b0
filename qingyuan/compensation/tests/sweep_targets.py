"""The compensation routes for the scope sweep: a case follows CompensationCase.visible_to (managers, finance,
supervisors of its park; its enterprise); an instalment and a dispute follow their case and are paired with
other cases too (parent "pk"). ``seed`` gives the sweep the demo's two cases even before the closures demo
seeds their closure cases (it then opens those itself, with verified steps)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from qingyuan.demo.tests.sweep_routes import Target


def _cases() -> Any:
    from qingyuan.compensation.models import CompensationCase

    return CompensationCase.objects.all()


def _visible(user: Any) -> Any:
    from qingyuan.compensation.models import CompensationCase

    return CompensationCase.objects.visible_to(user)


def _children(model: str) -> Target:
    def pick() -> Any:
        from qingyuan.compensation import models

        return getattr(models, model).objects.all()

    def visible(user: Any) -> Any:
        return pick().filter(case__in=_visible(user))

    key = {"Instalment": "instalment_pk", "Dispute": "dispute_pk"}[model]
    return Target(pick, lambda o: {"pk": o.case_id, key: o.pk}, visible, parent="pk")


CASE = Target(_cases, lambda c: {"pk": c.pk}, _visible)

TARGETS = {
    f"compensation/<int:pk>/{tail}": CASE for tail in (
        "", "inventory/", "appraisals/", "negotiations/", "transition/", "agreement/", "disputes/",
        "agreement.docx", "ledger.xlsx")
}
TARGETS["compensation/<int:pk>/instalments/<int:instalment_pk>/pay/"] = _children("Instalment")
TARGETS["compensation/<int:pk>/disputes/<int:dispute_pk>/resolve/"] = _children("Dispute")


def seed(users: dict[str, Any]) -> None:
    from django.utils import timezone

    from qingyuan.closures.models import ClosureCase, ClosureStep
    from qingyuan.compensation import demo
    from qingyuan.compensation.models import CompensationCase
    from qingyuan.demo import story
    from qingyuan.enterprises.models import Enterprise
    from qingyuan.org.models import Unit

    if CompensationCase.objects.exists():
        return
    cal = story.calendar()
    steps = {demo.HUAFENG: ["production_stopped", "utilities_cut", "equipment_dismantled", "waste_disposed",
                            "soil_investigated", "permits_cancelled", "points_decommissioned", "final_check"],
             demo.JINYUAN: ["production_stopped", "utilities_cut", "equipment_dismantled"]}
    for name, kinds in steps.items():
        enterprise = Enterprise.objects.get(name=name)
        day = cal.closure(name)
        if not ClosureCase.objects.filter(enterprise=enterprise).exists():
            case = ClosureCase.objects.create(
                park=enterprise.park, enterprise=enterprise, kind="closure", decision_number=f"青府关〔2026〕{enterprise.pk}号",
                decision_date=day - dt.timedelta(days=60), basis="obsolete_capacity",
                deadline=day + dt.timedelta(days=240), responsible_unit=Unit.objects.filter(park=enterprise.park).first(),
                opened_at=timezone.now())
            for n, kind in enumerate(kinds):
                done = min(day + dt.timedelta(days=n * 15), cal.today - dt.timedelta(days=2))
                moment = story.moment(done, 15)
                ClosureStep.objects.create(case=case, kind=kind, done_on=done, recorded_at=moment, verified_at=moment)
    park = Enterprise.objects.get(name=demo.HUAFENG).park
    demo.seed(SimpleNamespace(park=park, story=cal, log=lambda *a: None, users=users))
