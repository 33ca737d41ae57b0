"""The closures' routes for the scope sweep: a case follows ClosureCase.visible_to (the park's roles, the
enterprise itself); a step photo follows its step's case and is paired with other cases (parent "pk").
``seed`` opens a case with a verified production stop and its photo (the demo's cases aside)."""

from __future__ import annotations

from typing import Any

from qingyuan.demo.tests.sweep_routes import Target


def _cases() -> Any:
    from qingyuan.closures.models import ClosureCase

    return ClosureCase.objects.all()


def _visible(user: Any) -> Any:
    from qingyuan.closures.models import ClosureCase

    return ClosureCase.objects.visible_to(user)


def _photos() -> Any:
    from qingyuan.core.models import Attachment

    return Attachment.objects.filter(owner_type__app_label="closures", owner_type__model="closurestep")


def _photo_kwargs(att: Any) -> dict[str, Any]:
    from qingyuan.closures.models import ClosureStep

    return {"pk": ClosureStep.objects.get(pk=att.owner_id).case_id, "attachment_pk": att.pk}


def _visible_photos(user: Any) -> Any:
    from qingyuan.closures.models import ClosureCase, ClosureStep

    steps = ClosureStep.objects.filter(case__in=ClosureCase.objects.visible_to(user)).values_list("pk", flat=True)
    return _photos().filter(owner_id__in=[str(i) for i in steps])


def _enterprises() -> Any:
    from qingyuan.enterprises.models import Enterprise

    return Enterprise.objects.all()


def _visible_enterprises(user: Any) -> Any:
    from qingyuan.enterprises.models import Enterprise

    return Enterprise.objects.visible_to(user)


CASE = Target(_cases, lambda c: {"pk": c.pk}, _visible)
STEP = Target(_cases, lambda c: {"pk": c.pk, "kind": "production_stopped"}, _visible)

TARGETS = {
    "closures/<int:pk>/": CASE,
    "closures/<int:pk>/cancel/": CASE,
    "closures/<int:pk>/steps/<str:kind>/": STEP,
    "closures/<int:pk>/steps/<str:kind>/verify/": STEP,
    "closures/<int:pk>/photos/<int:attachment_pk>/": Target(_photos, _photo_kwargs, _visible_photos, parent="pk"),
    "closures/new/<int:enterprise_pk>/": Target(_enterprises, lambda e: {"enterprise_pk": e.pk},
                                                _visible_enterprises),
}


def seed(users: dict[str, Any]) -> None:
    import datetime as dt

    from django.utils import timezone

    from qingyuan.closures import actions
    from qingyuan.closures.choices import Basis, CaseKind, StepKind
    from qingyuan.closures.models import ClosureCase
    from qingyuan.closures.tests.helpers import photo
    from qingyuan.enterprises.models import Enterprise
    from qingyuan.inspections.models import Patrol
    from qingyuan.org.models import Unit

    if ClosureCase.objects.exists():
        return
    e = Enterprise.objects.filter(status="suspended").order_by("pk").first()
    if e is None:
        return
    today = timezone.localdate()
    case = actions.do_open_case(
        enterprise=e, acting_user=users["office"], kind=CaseKind.CLOSURE, decision_number="青政关〔2026〕99号",
        decision_date=today - dt.timedelta(days=3), basis=Basis.FAILED_RECTIFICATION,
        deadline=today + dt.timedelta(days=60), responsible_unit=Unit.objects.filter(park_id=e.park_id).first())
    actions.do_record_step(case, StepKind.PRODUCTION_STOPPED, acting_user=users["office"], done_on=today,
                           evidence="全厂停产")
    now = timezone.now()
    patrol = Patrol.objects.create(park_id=e.park_id, enterprise=e, started_at=now, finished_at=now,
                                   checklist_key="general", recorded_by=users["inspector"])
    actions.do_verify_step(case, StepKind.PRODUCTION_STOPPED, acting_user=users["inspector"], patrol=patrol,
                           photos=[photo()])
