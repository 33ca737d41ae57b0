"""Demo plans for the Qingxi county park: the implementation plan and enterprise plans in every state.

Called once at the end of ``Seeder.run()``; idempotent (the park plan and each enterprise
plan are looked up by their natural keys first). Everything goes through the actions,
so the demo's history, audit trail and notifications are the real thing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qingyuan.demo import data, story
from qingyuan.enterprises.models import Enterprise
from qingyuan.plans import actions
from qingyuan.plans.models import EnterprisePlan, ParkPlan, PlanVersion

PARK_PLAN = {
    "title": "青溪县化工园区污染整治实施方案",
    "compiled_by": "江右省环境科学研究院（省环科院）",
    "start_date": dt.date(2025, 3, 1),
    "deadline": dt.date(2027, 6, 30),
    "summary": "按照“关停一批、整治一批、搬迁一批”的思路，对园区企业实行一厂一策整治，"
               "整治方案经省环保厅组织专家评审，整治完成后由省生态办组织验收。",
}
APPROVED = ("青溪县人民政府", dt.date(2025, 2, 20))
OUTCOME_OF = {"closed": "close", "rectifying": "rectify", "rectified": "rectify", "relocated": "relocate"}
# The park's load targets are added by the loads demo, from the enterprises' 2024 baselines.
MILESTONES = [
    ("关停类企业全部关停到位", dt.date(2025, 9, 30), "closures_done"),
    ("一厂一策整治方案全部通过专家评审", dt.date(2026, 6, 30), "plans_approved"),
    ("整治类企业全部通过验收", dt.date(2027, 3, 31), "rectifications_done"),
    ("主要污染物减排目标全部完成", dt.date(2027, 6, 30), "loads_met"),
]
# kind, title, investment (万元), reductions (t/a)
MEASURES = {
    "rectify": [
        ("wastewater", "废水预处理设施提标改造（芬顿氧化＋生化）", "280", {"w01018": "9", "w21003": "0.8"}),
        ("voc", "工艺废气VOCs收集及RTO焚烧治理", "350", {}),
        ("ldar", "开展泄漏检测与修复（LDAR）", "25", {}),
        ("monitoring", "废水总排口COD、氨氮在线监测联网", "40", {}),
        ("risk", "事故应急池及雨污分流改造", "120", {}),
    ],
    "close": [
        ("closure", "停产并拆除生产装置，断水断电", "80", {"w01018": "14", "w21003": "1.2", "a21026": "12",
                                                     "a21002": "6"}),
        ("solid_waste", "原料、产品及危险废物清运处置", "45", {}),
        ("risk", "场地环境调查与风险评估", "30", {}),
    ],
    "relocate": [
        ("relocation", "整体搬迁至省级化工园区", "1200", {"w01018": "8", "w21003": "0.6", "a21026": "8",
                                                   "a21002": "5"}),
        ("solid_waste", "原址危险废物清运处置", "60", {}),
        ("risk", "原址场地环境调查", "35", {}),
    ],
}
BOILER = ("other", "燃煤锅炉改燃天然气", "150", {"a21026": "16", "a21002": "7"})
# Which state each demo enterprise's plan is left in.
STAGES = {
    "青溪宏达化工有限公司": "accepted",
    "江右新材料科技有限公司": "accepted",
    "青溪县三江化纤有限公司": "accepted",
    "青溪县长青化肥有限公司": "accepted",
    "江右云峰医药中间体有限公司": "accepted",
    "青溪县华丰农药有限公司": "accepted",
    "青溪县鑫达助剂有限公司": "accepted",
    "青溪县红星塑料厂": "failed_then_scheduled",
    "青溪县金源油脂化工厂": "acceptance",
    "青溪县兴隆颜料化工有限公司": "awaiting_opinion",
    "青溪县腾龙硅业有限公司": "approved",
    "江右中天医药化工有限公司": "revision",
    "江右蓝天氯碱有限公司": "opinion_in",
    "临江染料化工有限公司": "submitted",
    "江右精细化工股份有限公司": "draft",
}
PANEL = [
    {"name": "周建国", "organisation": "江右省生态环境厅生态办", "position": "副处长", "is_lead": True},
    {"name": "吴敏", "organisation": "江右省环境监测中心站", "position": "高级工程师", "is_lead": False},
]


def seed(seeder: Any) -> None:
    Demo(seeder).run()


class Demo:
    def __init__(self, seeder: Any) -> None:
        self.seeder = seeder
        self.office = seeder.users["office"]
        self.expert = seeder.users["expert"]
        self.today = timezone.localdate()
        self.story = story.calendar(self.today)

    def run(self) -> None:
        park_plan = ParkPlan.objects.filter(park=self.seeder.park, title=PARK_PLAN["title"]).first()
        if park_plan is None:
            park_plan = self._park_plan()
        for index, (name, stage) in enumerate(STAGES.items()):
            enterprise = Enterprise.objects.filter(park=self.seeder.park, name=name).first()
            if enterprise is None or EnterprisePlan.objects.filter(park_plan=park_plan, enterprise=enterprise).exists():
                continue
            self._plan(park_plan, enterprise, stage, index)
        self.seeder.log(f"plans: {EnterprisePlan.objects.filter(park_plan=park_plan).count()} enterprise plans")

    def _park_plan(self) -> ParkPlan:
        park_plan = actions.do_create_park_plan(acting_user=self.office, park=self.seeder.park, **PARK_PLAN)
        actions.do_approve_park_plan(park_plan, acting_user=self.seeder.users["leader"], approved_by=APPROVED[0],
                                     approved_on=APPROVED[1])
        # The outcome the county decided (the demo data's status): a closure whose case is still open
        # leaves its enterprise suspended until the final check, but its target is the closure.
        decided = {row[0]: row[4] for row in data.ENTERPRISES}
        for enterprise in Enterprise.objects.filter(park=self.seeder.park).order_by("name"):
            if decided.get(enterprise.name) in OUTCOME_OF:
                actions.do_add_target(park_plan, acting_user=self.office, enterprise=enterprise,
                                      outcome=OUTCOME_OF[decided[enterprise.name]])
        for title, due, rule in MILESTONES:
            actions.do_add_milestone(park_plan, acting_user=self.office, title=title, due_date=due, rule=rule)
        return ParkPlan.objects.get(pk=park_plan.pk)

    # ---- one enterprise plan ------------------------------------------------------------------

    def _drafter(self, enterprise: Enterprise) -> Any:
        account = enterprise.accounts.select_related("user").first()
        return account.user if account else self.office

    def _plan(self, park_plan: ParkPlan, enterprise: Enterprise, stage: str, index: int) -> None:
        target = park_plan.targets.filter(enterprise=enterprise).first()
        outcome = target.outcome if target else "rectify"
        finished = stage in ("accepted", "acceptance", "failed_then_scheduled")
        start = dt.date(2025, 4, 1) + dt.timedelta(days=index * 3)
        deadline = dt.date(2026, 9, 30) if finished else dt.date(2027, 3, 31)
        by = self._drafter(enterprise)
        plan = actions.do_create_plan(
            acting_user=by, park_plan=park_plan, enterprise=enterprise, outcome=outcome, start_date=start,
            deadline=deadline, title=f"{enterprise.name}{'关停' if outcome == 'close' else '搬迁' if outcome == 'relocate' else ''}整治方案（一厂一策）",
            summary="依据园区整治实施方案编制，明确整治措施、责任人、完成时限和资金来源。")
        specs = list(MEASURES[outcome])
        if outcome == "rectify" and enterprise.outlets.filter(name="锅炉烟囱").exists():
            specs.append(BOILER)
        factor = Decimal(80 + (index * 17) % 50) / Decimal(100)
        span = (deadline - start).days
        for n, (kind, title, investment, reductions) in enumerate(specs, start=1):
            actions.do_add_measure(
                plan, acting_user=by, kind=kind, title=title, owner_name=["王工", "李工", "张工", "刘工", "陈工", "赵工"][n % 6],
                start_date=start + dt.timedelta(days=(n - 1) * span // (3 * len(specs))),
                deadline=start + dt.timedelta(days=span * (n + 1) // (len(specs) + 1)),
                investment=(Decimal(investment) * factor).quantize(Decimal("0.01")),
                reductions={k: str((Decimal(v) * factor).quantize(Decimal("0.01"))) for k, v in reductions.items()})
        if stage == "draft":
            return
        self._submit(plan, by, "首次提交")
        if stage == "submitted":
            return
        if stage == "approved":  # a full loop: rejected, revised, approved
            self._review(plan, "reject", "措施针对性不足：未包括VOCs无组织排放治理，投资估算偏低，请补充完善后重新报审。",
                         revision_due=self.today - dt.timedelta(days=120))
            first = plan.measures.order_by("order").first()
            actions.do_update_measure(first, acting_user=by, investment=first.investment + Decimal("60"))
            actions.do_add_measure(self._fresh(plan), acting_user=by, kind="voc", title="储罐区VOCs无组织排放收集治理",
                                   owner_name="孙工", deadline=deadline - dt.timedelta(days=200),
                                   investment=Decimal("95.00"))
            self._submit(plan, by, "按专家意见补充储罐区VOCs治理，调整废水预处理投资。")
            self._review(plan, "approve", "修改后的方案措施可行，同意实施。")
            self._progress(plan, by, done=1, started=2)
            return
        if stage in ("opinion_in", "awaiting_opinion"):
            actions.do_assign_reviewers(self._fresh(plan), [self.expert], acting_user=self.office,
                                        due_date=self.today + dt.timedelta(days=5), lead=self.expert)
            if stage == "opinion_in":
                review = PlanVersion.objects.get(plan=plan, number=1).reviews.get(reviewer=self.expert)
                actions.do_submit_opinion(review, acting_user=self.expert, recommendation="approve_after_revision",
                                          opinion="氯碱工段含汞废水处理措施需细化，建议补充在线监测点位。")
            return
        if stage == "revision":
            self._review(plan, "approve_after_revision", "方案总体可行。请补充危险废物管理措施和资金落实说明后重新报审。",
                         revision_due=self.today + dt.timedelta(days=10))
            return
        self._review(plan, "approve", "方案措施针对性强、技术可行，同意实施。")
        accepted = self.story.accepted(enterprise.name)
        self._progress(plan, by, done=None, before=accepted - dt.timedelta(days=20) if accepted else None)
        acceptance = actions.do_request_acceptance(self._fresh(plan), acting_user=by, note="整治措施已全部完成，申请验收。")
        if stage == "acceptance":
            return
        if stage == "accepted":
            # The rectified plants on the story's acceptance days; the closures' acceptances in the autumn.
            on = self.story.accepted(enterprise.name) or dt.date(2026, 10, 15) - dt.timedelta(days=index)
            self._inspect(acceptance, on, failed_item=None)
            return
        # A closure whose first acceptance failed (waste not yet removed), fixed, and inspected again soon.
        self._inspect(acceptance, dt.date(2026, 9, 20), failed_item="现场仍堆存原料桶约40只、废催化剂约3吨，未清运处置。")
        failed = self._fresh(plan).measures.filter(status="in_progress")
        for measure in failed:
            actions.do_transition_measure(measure, "finish", acting_user=by, effective_date=self.today - dt.timedelta(days=7))
        again = actions.do_request_acceptance(self._fresh(plan), acting_user=by, note="遗留物料已全部清运，申请重新验收。")
        actions.do_schedule_acceptance(self._fresh_acceptance(again), acting_user=self.office,
                                       inspection_date=self.today + dt.timedelta(days=5), organiser="江右省生态办",
                                       panel=self._panel())

    def _panel(self) -> list[dict[str, Any]]:
        return [*PANEL, {"user": self.expert, "name": "宋学文", "organisation": "江右省环境科学研究院",
                         "position": "高级工程师", "is_lead": False}]

    def _inspect(self, acceptance: Any, inspection: dt.date, *, failed_item: str | None) -> None:
        """Schedule, record findings (the first measure failing when ``failed_item``) and decide."""
        acceptance = self._fresh_acceptance(acceptance)
        actions.do_schedule_acceptance(acceptance, acting_user=self.office, inspection_date=inspection,
                                       organiser="江右省生态办", panel=self._panel())
        items = list(acceptance.items.order_by("order"))
        findings = {i.pk: ("pass", "") for i in items}
        if failed_item:
            findings[items[1].pk] = ("fail", failed_item)
        actions.do_record_findings(acceptance, findings, acting_user=self.office)
        conclusion = ("遗留物料未清运处置，不符合关停验收要求，验收不予通过。请限期清运后重新申请验收。" if failed_item else
                      "经现场检查和资料审查，整治方案确定的各项措施已全部落实，污染治理设施运行正常，同意通过验收。")
        actions.do_decide_acceptance(self._fresh_acceptance(acceptance), acting_user=self.office,
                                     verdict="fail" if failed_item else "pass", conclusion=conclusion)
        if inspection < self.today:  # decided on the inspection day (the action stamps now(); see demo.story)
            type(acceptance).objects.filter(pk=acceptance.pk).update(decided_at=story.moment(inspection, 16, 30))

    # ---- steps ------------------------------------------------------------------------------------

    def _fresh(self, plan: EnterprisePlan) -> EnterprisePlan:
        return EnterprisePlan.objects.select_related("enterprise__park", "park_plan").get(pk=plan.pk)

    def _fresh_acceptance(self, acceptance: Any) -> Any:
        return type(acceptance).objects.select_related("plan__enterprise__park", "plan__park_plan").get(
            pk=acceptance.pk)

    def _submit(self, plan: EnterprisePlan, by: Any, note: str) -> None:
        actions.do_submit_plan(self._fresh(plan), acting_user=by, note=note)

    def _review(self, plan: EnterprisePlan, conclusion: str, text: str, revision_due: dt.date | None = None) -> None:
        plan = self._fresh(plan)
        actions.do_assign_reviewers(plan, [self.expert], acting_user=self.office,
                                    due_date=self.today - dt.timedelta(days=30), lead=self.expert)
        version = PlanVersion.objects.get(plan=plan, number=plan.version)
        actions.do_submit_opinion(version.reviews.get(reviewer=self.expert), acting_user=self.expert,
                                  recommendation=conclusion, opinion=text)
        actions.do_conclude_review(self._fresh(plan), acting_user=self.office, conclusion=conclusion, text=text,
                                   revision_due=revision_due)

    def _progress(self, plan: EnterprisePlan, by: Any, *, done: int | None, started: int = 0,
                  before: dt.date | None = None) -> None:
        """Finish the first ``done`` measures (all when None; by ``before`` when given) and start the next
        ``started``."""
        measures = list(self._fresh(plan).measures.order_by("order"))
        limit = len(measures) if done is None else done
        for n, measure in enumerate(measures):
            if n < limit:
                on = min(measure.deadline, self.today, before or self.today)
                actions.do_transition_measure(measure, "finish", acting_user=by,
                                              effective_date=max(on, measure.start_date or on))
            elif n < limit + started:
                actions.do_transition_measure(measure, "start", acting_user=by)
