"""Demo assignments for the demo county: every state, several units, some overdue at each level.

Dates are computed from today, so the ladder shows real colours whenever the demo is
seeded. Everything goes through the actions (audited, notified); the items are then
escalated by the worker step itself. Idempotent: an assignment is recognised by its
subject, a check by its title.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from qingyuan.enterprises.models import Enterprise
from qingyuan.tasks import actions, escalation, policy
from qingyuan.tasks.choices import Rating
from qingyuan.tasks.models import Assignment, EscalationPolicy, SupervisionCheck

# (subject, unit, enterprise or None, priority, issued days ago, deadline from today, steps, progress)
# Steps: sign, progress, extension (pending), refused, approved, submit, sent_back, accept, return, withdraw.
ITEMS: list[tuple[str, str, str | None, str, int, int, tuple[str, ...], int]] = [
    ("宏达化工废水预处理设施提标改造", "县环保局", "青溪宏达化工有限公司", "urgent", 45, -20, ("sign", "progress"), 40),
    ("园区污水处理厂提标改造工程", "县住建局", "临江县域污水处理有限公司", "critical", 60, -30, (), 0),
    ("天和化学停产整治期间现场监管", "县环保局", "青溪天和化学有限公司", "critical", 30, -8, ("sign", "progress"), 60),
    ("博源化学事故应急池建设", "临江镇", "江右博源化学品有限公司", "urgent", 20, -6, (), 0),
    ("临江染料VOCs收集处理设施建设", "临江镇", "临江染料化工有限公司", "urgent", 25, -2, ("sign", "progress"), 70),
    ("园区雨污分流管网排查", "县住建局", None, "normal", 20, 0, (), 0),
    ("精细化工危废贮存库规范化整改", "县环保局", "江右精细化工股份有限公司", "normal", 15, 2, ("sign", "progress"), 50),
    ("兴隆颜料厂区异味投诉核查", "临江镇", "青溪县兴隆颜料化工有限公司", "normal", 10, 3, (), 0),
    ("整治宣传与群众工作", "临江镇", None, "normal", 30, 1, ("sign", "progress"), 70),
    ("长青化肥氨氮排放口规范化", "县环保局", "青溪县长青化肥有限公司", "normal", 25, 5, ("sign", "progress", "extension"), 80),
    ("利民香料异味治理设施升级", "县环保局", "青溪县利民香料有限公司", "normal", 20, 12, ("sign", "progress", "refused"), 30),
    ("中天医药在线监测设施比对监测", "县环保局", "江右中天医药化工有限公司", "normal", 20, 10, ("sign", "progress", "submit"), 100),
    ("永盛橡塑厂区环境整治", "临江镇", "青溪县永盛橡塑制品有限公司", "normal", 14, 16, ("sign", "submit"), 100),
    ("海川化学雨水排口在线监控安装", "县环保局", "江右海川化学有限公司", "normal", 18, 9, ("sign", "submit", "sent_back"), 90),
    ("青溪河出境断面水质加密监测", "县环保局", None, "normal", 6, 20, ("return",), 0),
    ("前进化工厂扩建项目核查", "县发改委", "青溪县前进化工厂", "normal", 12, 18, ("withdraw",), 0),
    ("蓝天氯碱液氯储罐区安全隐患整改", "县安监局", "江右蓝天氯碱有限公司", "urgent", 12, 20, (), 0),
    ("腾龙硅业土地收储前期调查", "县国土局", "青溪县腾龙硅业有限公司", "normal", 8, 30, (), 0),
    ("整治工作经费拨付", "县财政局", None, "normal", 20, 15, (), 0),
    ("康源制药排污许可证执行报告核查", "县环保局", "青溪康源制药有限公司", "normal", 5, 25, (), 0),
    ("恒通石化泄漏检测与修复（LDAR）", "县环保局", "青溪恒通石化有限公司", "normal", 10, 40, ("sign", "progress"), 20),
    ("建立园区企业环境信用档案", "执法督查组", None, "normal", 3, 60, (), 0),
    ("关停企业停止供电核查", "临江镇", "青溪县华丰农药有限公司", "normal", 70, -45, ("sign", "submit", "accept"), 100),
    ("瑞丰生物废气排气筒规范化", "县环保局", "青溪瑞丰生物科技有限公司", "normal", 60, -40,
     ("sign", "progress", "approved", "submit", "accept"), 100),
    ("三江化纤污泥处置台账核查", "县环保局", "青溪县三江化纤有限公司", "normal", 40, -25, ("sign", "submit", "accept"), 100),
]

CHECK_TITLE = "第三季度整治工作督查"
NEXT_CHECK_TITLE = "下阶段整治进度督查"


def seed(seeder: Any) -> None:
    office, epb, township = seeder.users["office"], seeder.users["epb"], seeder.users["township"]
    park = seeder.park
    if not EscalationPolicy.objects.filter(park=park).exists():
        policy.do_set_policy(park, acting_user=seeder.users["admin"], reminder_days=3, supervise_after_days=5,
                              list_after_days=15)
    officers = {"县环保局": epb, "临江镇": township}
    today = timezone.localdate()
    created = 0
    for subject, unit, enterprise, priority, ago, due, steps, progress in ITEMS:
        if Assignment.objects.filter(park=park, subject=subject).exists():
            continue
        a = actions.do_issue_assignment(
            park=park, assignee_unit=seeder.units[unit], subject=subject, priority=priority,
            requirements=f"请{unit}按照园区整治工作方案要求，{subject}，并按期报送办理情况和佐证材料。",
            enterprise=Enterprise.objects.filter(name=enterprise).first() if enterprise else None,
            deadline=today + dt.timedelta(days=due), issued_on=today - dt.timedelta(days=ago),
            acting_user=seeder.users["leader"] if priority == "critical" else office)
        _walk(a, steps, progress, officer=officers.get(unit), office=office, seeder=seeder, today=today)
        created += 1
    while escalation.handle_one_escalation():
        pass
    _checks(seeder, today)
    seeder.log(f"assignments: {Assignment.objects.filter(park=park).count()} ({created} new)")


def _walk(a: Assignment, steps: tuple[str, ...], progress: int, *, officer: Any, office: Any, seeder: Any,
          today: dt.date) -> None:
    def fresh() -> Assignment:
        return Assignment.objects.get(pk=a.pk)

    for step in steps:
        if step == "sign":
            actions.do_sign_assignment(fresh(), acting_user=officer, note="已签收，明确专人负责。")
        elif step == "progress":
            actions.do_report_progress(fresh(), acting_user=officer, percent=progress // 2,
                                       text="已制定工作方案，完成现场踏勘。")
            actions.do_report_progress(fresh(), acting_user=officer, percent=progress,
                                       text="主体工作按计划推进，正在组织设备安装调试。")
        elif step in ("extension", "refused", "approved"):
            current = fresh()
            actions.do_request_extension(current, acting_user=officer,
                                         new_deadline=max(current.deadline, today) + dt.timedelta(days=15),
                                         reason="设备供货周期延长，申请延期十五天。")
            if step != "extension":
                actions.do_decide_extension(fresh(), acting_user=office, approve=step == "approved",
                                            reason="" if step == "approved" else "该事项为省督办问题，不得延期，请加派力量。")
        elif step == "submit":
            actions.do_submit_assignment(fresh(), acting_user=officer, text="已全部完成，附现场照片和监测报告。")
        elif step == "sent_back":
            actions.do_verify_assignment(fresh(), acting_user=office, accept=False,
                                         reason="佐证材料不全，缺少第三方监测报告，请补充后重新报送。")
        elif step == "accept":
            actions.do_verify_assignment(fresh(), acting_user=office, accept=True, reason="经现场核查，已整改到位。")
        elif step == "return":
            actions.do_return_assignment(fresh(), acting_user=officer, suggested_unit=seeder.units["县水利局"],
                                         reason="出境断面水文监测由水利部门负责，建议改交县水利局。")
        elif step == "withdraw":
            actions.do_withdraw_assignment(fresh(), acting_user=office, reason="企业已放弃扩建计划，撤回交办。")


def _checks(seeder: Any, today: dt.date) -> None:
    park, office = seeder.park, seeder.users["office"]
    if not SupervisionCheck.objects.filter(park=park, title=CHECK_TITLE).exists():
        scope = list(Assignment.objects.filter(park=park, subject__in=[
            "宏达化工废水预处理设施提标改造", "临江染料VOCs收集处理设施建设", "园区污水处理厂提标改造工程",
            "精细化工危废贮存库规范化整改"]))
        units = [seeder.units[u] for u in ("县环保局", "临江镇", "县住建局")]
        sc = actions.do_plan_check(park=park, title=CHECK_TITLE, planned_on=today - dt.timedelta(days=3),
                                   units=units, assignments=scope, acting_user=office)
        by_subject = {a.subject: a for a in scope}
        poor = actions.do_record_finding(
            sc, acting_user=office, assignment=by_subject["宏达化工废水预处理设施提标改造"], rating=Rating.POOR,
            text="提标改造进度严重滞后，设备尚未进场，企业仍在原工艺下生产。")
        actions.do_record_finding(
            sc, acting_user=office, assignment=by_subject["临江染料VOCs收集处理设施建设"],
            rating=Rating.NEEDS_IMPROVEMENT, text="收集管道已铺设，末端处理设施未调试，台账不完整。")
        actions.do_record_finding(sc, acting_user=office, unit=seeder.units["县住建局"], rating=Rating.GOOD,
                                  text="管网排查方案已制定，人员到位。")
        actions.do_spawn_assignment(poor, acting_user=office)
        actions.do_complete_check(sc, acting_user=office, overall_rating=Rating.NEEDS_IMPROVEMENT,
                                  summary="总体推进有序，个别重点项目滞后，已现场交办整改。")
    if not SupervisionCheck.objects.filter(park=park, title=NEXT_CHECK_TITLE).exists():
        actions.do_plan_check(park=park, title=NEXT_CHECK_TITLE, planned_on=today + dt.timedelta(days=7),
                              units=[seeder.units["县环保局"], seeder.units["临江镇"]], acting_user=office,
                              assignments=list(Assignment.objects.filter(park=park).open()
                                               .filter(assignee_unit__in=[seeder.units["县环保局"], seeder.units["临江镇"]])[:6]))
