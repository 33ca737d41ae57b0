"""The demo county's assessment: this year's scheme in office scoring, the year so far and each quarter
computed from the seeded records, and 临江镇 vetoed for a mass petition incident (evidence attached)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.assessment import actions
from qingyuan.assessment.choices import Method, UnitCategory, VetoCondition
from qingyuan.assessment.models import Scheme
from qingyuan.complaints.models import Complaint
from qingyuan.org.choices import UnitKind

VETOED = "临江镇"
VETO_REASON = "园区周边村民因异味问题集体上访，造成较大社会影响"
# (group, name, weight, method, key)
INDICATORS = [
    ("交办落实", "交办事项按时办结率", 20, Method.COMPUTED, "assignments_on_time"),
    ("交办落实", "逾期及督办（挂牌督办加重）", 10, Method.COMPUTED, "assignments_escalated"),
    ("信访投诉", "投诉按时办结率", 10, Method.COMPUTED, "complaint_clocks"),
    ("信访投诉", "投诉人满意率", 10, Method.COMPUTED, "complaint_satisfaction"),
    ("日常监管", "报警及时处置率", 10, Method.COMPUTED, "alarms_handled"),
    ("日常监管", "巡查计划完成率", 10, Method.COMPUTED, "patrol_completion"),
    ("日常监管", "巡查问题按时整改率", 5, Method.COMPUTED, "findings_on_time"),
    ("日常监管", "挂钩企业整改措施按期完成率", 5, Method.COMPUTED, "plan_measures_on_schedule"),
    ("日常监管", "挂钩企业监控设备有效传输率", 5, Method.COMPUTED, "valid_transmission"),
    ("水环境质量", "沿河乡镇断面达标率", 5, Method.COMPUTED, "section_compliance"),
    ("工作保障", "会议部署", 5, Method.MANUAL, ""),
    ("工作保障", "宣传引导与专项行动", 5, Method.MANUAL, ""),
    ("加减分", "扣分事项", 5, Method.DEDUCTION, ""),
    ("加减分", "加分事项", 3, Method.BONUS, ""),
]
# A minimal PDF standing for the petition office's record of the incident.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"


def seed(seeder: Any) -> None:
    today = timezone.localdate()
    if Scheme.objects.filter(park=seeder.park, year=today.year).exists():
        return
    office = seeder.users["office"]
    scheme = actions.do_create_scheme(seeder.park, today.year, f"{today.year}年度化工园区污染整治目标责任考核",
                                      acting_user=office)
    units = [u for u in seeder.units.values() if u.kind in (UnitKind.DEPARTMENT, UnitKind.TOWNSHIP)]
    actions.do_set_assessed_units(scheme, [(u, UnitCategory.TOWNSHIP if u.kind == UnitKind.TOWNSHIP
                                            else UnitCategory.LINKED if u.linked_enterprises.exists()
                                            else UnitCategory.DEPARTMENT) for u in units], acting_user=office)
    groups: dict[str, Any] = {}
    indicators = {}
    for order, (group, name, weight, method, key) in enumerate(INDICATORS, start=1):
        if group not in groups:
            groups[group] = actions.do_add_group(scheme, group, acting_user=office, order=len(groups) + 1)
        indicators[name] = actions.do_add_indicator(groups[group], name=name, weight=Decimal(weight), method=method,
                                                    key=key, acting_user=office, order=order)
    for name in ("publish", "open_self_assessment"):
        actions.do_fire(scheme, name, roles={"office"}, acting_user=office)
    for i, unit in enumerate(units):
        for name in ("会议部署", "宣传引导与专项行动"):
            actions.do_score_manual(scheme, unit, indicators[name], value=Decimal(100 - (i * 7 + len(name)) % 30),
                                    acting_user=office)
    by_short = {u.short_name or u.name: u for u in units}
    actions.do_record_adjustment(scheme, by_short["县住建局"], indicators["扣分事项"], points=Decimal(2),
                                 reason="污水管网建设进度滞后，被省督查通报", occurred_on=today.replace(day=1),
                                 acting_user=office)
    actions.do_record_adjustment(scheme, by_short["县环保局"], indicators["加分事项"], points=Decimal(2),
                                 reason="在线监控工作获省厅通报表扬", occurred_on=today.replace(day=1), acting_user=office)
    petitions = Complaint.objects.filter(park=seeder.park, case_type="petition").values_list("id", flat=True)
    actions.do_record_veto(
        scheme, by_short[VETOED], condition=VetoCondition.MASS_PETITION, reason=VETO_REASON,
        occurred_on=max(dt.date(today.year, 1, 1), today - dt.timedelta(days=40)),
        records=[{"model": "complaints.complaint", "id": pk} for pk in petitions],
        uploads=[SimpleUploadedFile("集体上访情况报告.pdf", PDF, "application/pdf")], acting_user=office)
    actions.do_fire(scheme, "start_scoring", roles={"office"}, acting_user=office)
    for quarter in range(1, (today.month - 1) // 3 + 2):
        actions.do_compute_scores(scheme, quarter=quarter, acting_user=office)
    actions.do_compute_scores(scheme, quarter=0, acting_user=office)
    seeder.log(f"assessment: {len(units)} units, {len(INDICATORS)} indicators, {VETOED} vetoed")
