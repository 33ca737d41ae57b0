"""A closure case of the test world's enterprise B, a patrol at it and a photo, for the closure tests."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from qingyuan.closures import actions
from qingyuan.closures.choices import Basis, CaseKind, SoilConclusion, StepKind
from qingyuan.inspections.models import Patrol
from qingyuan.quality.models import DailyValue

ZONE = dt.timezone(dt.timedelta(hours=8))


def photo(name: str = "stop.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def open_case(w: Any, kind: str = CaseKind.CLOSURE, days_ago: int = 60, **extra: Any) -> Any:
    today = timezone.localdate()
    if kind == CaseKind.RELOCATION:
        extra.setdefault("new_site", "省级化工园区纬五路8号")
    if kind == CaseKind.CONVERSION:
        extra.setdefault("new_product_line", "水性涂料仓储")
    return actions.do_open_case(
        enterprise=w.enterprise_b, acting_user=w.regulator, kind=kind, decision_number="青政关〔2026〕3号",
        decision_date=today - dt.timedelta(days=days_ago), basis=Basis.OBSOLETE_CAPACITY,
        deadline=today + dt.timedelta(days=60), responsible_unit=w.bureau, **extra)


def patrol_at(w: Any, day: dt.date) -> Patrol:
    at = dt.datetime.combine(day, dt.time(10), tzinfo=ZONE)
    p = Patrol.objects.create(park=w.park, enterprise=w.enterprise_b, started_at=at, finished_at=at,
                              checklist_key="general", recorded_by=w.inspector, recorded_by_name="检查员")
    p.inspectors.add(w.inspector)
    return p


def daily(point: Any, day: dt.date, parameter: str, mean: float, mass_kg: float | None = None) -> DailyValue:
    start = dt.datetime.combine(day, dt.time(), tzinfo=ZONE)
    return DailyValue.objects.create(
        point=point, parameter=parameter, unit="", start=start, day=day, source="computed", valid=True,
        n_expected=24, n_received=24, n_valid=24, mean=mean, mass_kg=mass_kg, computed_at=timezone.now())


EXTRA = {
    StepKind.UTILITIES_CUT: {"utility_records": "供电局停电通知单 GD-2026-118；自来水公司销户单 ZL-77"},
    StepKind.WASTE_DISPOSED: {"manifest_numbers": "3611232026000123\n3611232026000124"},
    StepKind.SOIL_INVESTIGATED: {"report_number": "JXHK-TR-2026-031", "report_org": "江西省环境科学研究院",
                                 "report_conclusion": SoilConclusion.BELOW_SCREENING},
    StepKind.PERMITS_CANCELLED: {"permit_numbers": "91361123MA0000002X001P"},
}


def walk(w: Any, case: Any, stop_day: dt.date, *, until: str | None = None) -> None:
    """Record and verify the case's steps in order from the stop day, up to and including ``until``."""
    for i, kind in enumerate(case.step_kinds):
        day = stop_day + dt.timedelta(days=i) if kind not in (StepKind.NEW_SITE_RECORDED,
                                                              StepKind.NEW_LINE_RECORDED) else case.decision_date
        actions.do_record_step(case, kind, acting_user=w.regulator, done_on=day, evidence=f"{kind} 的证明材料",
                               **EXTRA.get(kind, {}))
        if kind == StepKind.PRODUCTION_STOPPED:
            actions.do_verify_step(case, kind, acting_user=w.inspector, patrol=patrol_at(w, day), photos=[photo()])
        else:
            actions.do_verify_step(case, kind, acting_user=w.regulator)
        if kind == until:
            return
