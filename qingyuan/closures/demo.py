"""The demo county's closures, relocations and conversions, walked through the closures actions.

``walk`` runs from the Seeder's ``_status`` (when each enterprise is created, before the year of
history), at the story's dates (``story.CLOSURES``; the relocation and conversion in 2025):

* 青溪县华丰农药有限公司: every step recorded and verified up to the decommissioning; its final check
  is verified by ``seed`` after the history, so the capacity it frees is the actual load of the
  history's months before the stop (the park's default basis), the load the pages show.
* 青溪县金源油脂化工厂: production stopped, utilities cut and equipment dismantled verified; the
  hazardous-waste disposal recorded but not verified (the compensation's third instalment waits).
* 青溪县红星塑料厂: production stopped verified only.
* 青溪县鑫达助剂有限公司 (relocation) and 青溪县东方涂料有限公司 (conversion): done, in 2025.

The production stop is verified by the inspector with a patrol at the plant on the stop day and its
photo; the online data is silent from the stop day on (the history stops there). Every audit entry,
transition record and step time carries the story's date. Idempotent: an enterprise with a case is
left alone; the final check is verified once.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.closures import actions
from qingyuan.closures.choices import Basis, CaseKind, SoilConclusion, StepKind
from qingyuan.closures.models import ClosureCase, ClosureStep
from qingyuan.demo import story
from qingyuan.enterprises.models import Enterprise

K = StepKind
HUAFENG = "青溪县华丰农药有限公司"
# How far each closure gets (the last verified step) and the step recorded but not yet verified.
STAGES: dict[str, tuple[str, str | None]] = {
    "青溪县华丰农药有限公司": (K.POINTS_DECOMMISSIONED, None),  # + the final check after the history
    "青溪县金源油脂化工厂": (K.EQUIPMENT_DISMANTLED, K.WASTE_DISPOSED),
    "青溪县红星塑料厂": (K.PRODUCTION_STOPPED, None),
}
KIND_OF = {"closed": CaseKind.CLOSURE, "relocated": CaseKind.RELOCATION, "transformed": CaseKind.CONVERSION}
BASIS = {CaseKind.CLOSURE: (Basis.OBSOLETE_CAPACITY, "属于《产业结构调整指导目录》淘汰类落后产能，依法关停。"),
         CaseKind.RELOCATION: (Basis.PLANNING_ADJUSTMENT, "位于青溪河源头保护区，整体搬迁至省级化工园区。"),
         CaseKind.CONVERSION: (Basis.PLANNING_ADJUSTMENT, "关停涂料生产线，转产水性涂料仓储物流。")}
EVIDENCE = {
    K.NEW_SITE_RECORDED: ("新厂址：江右省级化工园区纬五路8号，已取得入园批复。", {}),
    K.NEW_LINE_RECORDED: ("新业务：水性涂料仓储物流，已完成工商变更登记。", {}),
    K.PRODUCTION_STOPPED: ("生产装置全部停车，原料停止进厂，现场检查确认无生产迹象。", {}),
    K.UTILITIES_CUT: ("供电、供水已切断，计量表拆除。",
                      {"utility_records": "国网青溪县供电公司停电工作票；青溪县自来水公司销户单"}),
    K.EQUIPMENT_DISMANTLED: ("反应釜、精馏塔等主要生产设备拆除，拆除过程留存影像。", {}),
    K.WASTE_DISPOSED: ("废母液、废催化剂及残留原料委托有资质单位处置。", {"manifest_numbers": ""}),
    K.SOIL_INVESTIGATED: ("完成地块土壤污染状况初步调查，报告通过专家评审。",
                          {"report_org": "江右省环境科学研究院", "report_conclusion": SoilConclusion.BELOW_SCREENING}),
    K.PERMITS_CANCELLED: ("排污许可证已注销，危险化学品经营许可证已缴销。", {"permit_numbers": ""}),
    K.POINTS_DECOMMISSIONED: ("在线监测设备拆除停用，数采仪已断电。", {}),
    K.PRODUCTION_MOVED: ("新厂址/新业务已投入运行。", {}),
    K.FINAL_CHECK: ("整治办组织终验：各项工作已完成，现场无遗留物料。", {}),
}


def _png() -> bytes:
    """A small solid-colour PNG, standing in for the photo of the stopped plant."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes((90, 90, 100)) * 64 for _ in range(48))
    header = struct.pack(">IIBBBBB", 64, 48, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _extra(kind: str, e: Enterprise) -> dict[str, str]:
    fields = dict(EVIDENCE[kind][1])
    if kind == K.WASTE_DISPOSED:
        fields["manifest_numbers"] = f"3611232026{e.pk:04d}01\n3611232026{e.pk:04d}02"
    if kind == K.PERMITS_CANCELLED:
        fields["permit_numbers"] = f"{e.credit_code}001P"
    if kind == K.SOIL_INVESTIGATED:
        fields["report_number"] = f"JXHK-TR-2026-{e.pk:03d}"
    return fields


def _patrol(seeder: Any, e: Enterprise, day: dt.date) -> Any:
    from qingyuan.inspections import actions as inspections
    from qingyuan.inspections import checklists
    from qingyuan.inspections.choices import PatrolKind

    checklist = checklists.checklist_for(e)
    start = story.moment(day, 9, 30)
    return inspections.do_record_patrol(
        enterprise=e, acting_user=seeder.users["inspector"], kind=PatrolKind.SPECIAL, started_at=start, finished_at=start + dt.timedelta(hours=1),
        checklist_key=checklist.key, checklist={k: {"answer": "na", "note": ""} for k in checklist.keys},
        latitude=e.latitude, longitude=e.longitude, gps_accuracy_m=8, gps_at=start,
        notes="停产核查：生产装置已停车，无原料进出，在线监测流量为零。",
        photos=[SimpleUploadedFile("停产现场.png", _png(), "image/png")], backdated=True)


def _date_step(step: ClosureStep, day: dt.date) -> None:
    at = story.moment(day, 15)
    ClosureStep.objects.filter(pk=step.pk).update(recorded_at=at)
    ClosureStep.objects.filter(pk=step.pk, verified_at__isnull=False).update(verified_at=story.moment(day, 16))


def _do(seeder: Any, case: ClosureCase, kind: str, day: dt.date, *, verify: bool = True) -> None:
    office = seeder.users["office"]
    with story.backdated(story.moment(day, 15)):
        step = actions.do_record_step(case, kind, acting_user=office, done_on=day, evidence=EVIDENCE[kind][0],
                                      **_extra(kind, case.enterprise))
    if verify:
        with story.backdated(story.moment(day, 16)):
            if kind == K.PRODUCTION_STOPPED:
                actions.do_verify_step(case, kind, acting_user=seeder.users["inspector"],
                                       patrol=_patrol(seeder, case.enterprise, day))
            else:
                actions.do_verify_step(case, kind, acting_user=office)
    _date_step(step, day)


def _days(case: ClosureCase, stop: dt.date) -> dict[str, dt.date]:
    """Each step's day: the new site/line at the decision, the stop, then a step every ten days."""
    out, n = {}, 0
    for kind in case.step_kinds:
        if kind in (K.NEW_SITE_RECORDED, K.NEW_LINE_RECORDED):
            out[kind] = case.decision_date + dt.timedelta(days=7)
        else:
            out[kind] = stop + dt.timedelta(days=10 * n)
            n += 1
    return out


def walk(seeder: Any, e: Enterprise, status: str, index: int) -> ClosureCase | None:
    """Open ``e``'s case and walk it to its demo stage (``status`` is the data's closed / relocated / transformed)."""
    kind = KIND_OF.get(status)
    if kind is None or ClosureCase.objects.filter(enterprise=e).exists():
        return None
    stop = seeder.story.closure(e.name) or dt.date(2025, 3, 1) + dt.timedelta(days=index * 7)
    decided = stop - dt.timedelta(days=45)
    basis, note = BASIS[kind]
    with story.backdated(story.moment(decided, 10)):
        case = actions.do_open_case(
            enterprise=e, acting_user=seeder.users["office"], kind=kind, basis=basis, basis_note=note,
            decision_number=f"青园整治〔{decided.year}〕{10 + index}号", decision_date=decided,
            deadline=stop + dt.timedelta(days=180), responsible_unit=e.linked_unit or seeder.units["县环保局"],
            new_site="江右省级化工园区纬五路8号" if kind == CaseKind.RELOCATION else "",
            new_product_line="水性涂料仓储物流" if kind == CaseKind.CONVERSION else "")
    ClosureCase.objects.filter(pk=case.pk).update(opened_at=story.moment(decided, 10))
    last, pending = STAGES.get(e.name, (K.FINAL_CHECK, None))
    days = _days(case, stop)
    for step in case.step_kinds:
        if step == K.FINAL_CHECK and e.name == HUAFENG:
            break  # after the history (``seed``)
        _do(seeder, case, step, days[step])
        if step == K.FINAL_CHECK:
            _complete(case)
        if step == last:
            break
    if pending:
        _do(seeder, case, pending, days[pending], verify=False)
    return case


def _complete(case: ClosureCase) -> None:
    step = case.steps.get(kind=K.FINAL_CHECK)
    ClosureCase.objects.filter(pk=case.pk).update(completed_at=step.verified_at)


def seed(seeder: Any) -> None:
    """After the history: 华丰's final check, so its freed capacity is the load the history recorded."""
    case = ClosureCase.objects.filter(enterprise__name=HUAFENG, kind=CaseKind.CLOSURE).first()
    if case is None or case.steps.filter(kind=K.FINAL_CHECK, verified_at__isnull=False).exists():
        return
    day = _days(case, case.steps.get(kind=K.PRODUCTION_STOPPED).done_on)[K.FINAL_CHECK]
    _do(seeder, case, K.FINAL_CHECK, day)
    _complete(case)
    # Settle the patrol plans on the closed status now, so a second seed finds nothing to recompute.
    from qingyuan.inspections import actions as inspections

    inspections.do_refresh_plans(park=seeder.park)
    from qingyuan.loads.models import LedgerEntry

    freed = {e.pollutant_code: -e.delta_t for e in LedgerEntry.objects.filter(enterprise=case.enterprise_id)}
    seeder.log(f"closures: {ClosureCase.objects.count()} cases; {HUAFENG} closed on {day}, freed (t): {freed}")
