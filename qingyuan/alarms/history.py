"""The demo year's alarm history: the alarms the seeded values would have raised, and how they were handled.

The alarm engine reads readings, not the aggregates ``qingyuan.demo.history`` writes, so a seeded
year would have no alarms. This module reads the seeded values back and judges them with the
engine's own rule and limits (``rules.judge`` with ``context.load``: the permit's limit on the
standard's averaging basis, hourly for gas, daily for water), and the device outages from the
transmission record (``quality.KpiDaily`` and the hours present):

* exceedance alarms where a valid hourly/daily mean was above its limit (the polluted first
  winter; the rebound case's SO2 in the last weeks);
* data-quality alarms (device offline) where a device sent nothing for two hours or more (the
  flaky loggers and the week-long outage of ``history.Outages``).

As in the engine, a finding extends the point's active alarm of that kind and parameter, and
opens a new one once the previous alarm is closed. Alarms are handled the way the application
handles them, through its actions and dated with ``story.backdated``: the enterprise acknowledges
and explains with evidence, the linked unit's officer verifies (accepts, or refers the worst to
enforcement) and closes. Alarms of one enterprise close together in time form an episode
(``episodes``: the policy's gap) with one assignment to the linked unit, issued by the system,
signed, submitted and accepted by the office. Alarms whose findings reach the last days stay
open, with their episode's assignment signed and in progress.

The alarm rows, their ``alarm.raise`` audit entries and episodes are written here as the engine's
``raise_findings`` writes them, not through it: it dates deadlines from today and notifies
everyone at seeding time. The enterprises and units that handled alarms get their accounts
(``people``). Notifications the handling sends are history: marked read once written.
Idempotent: nothing is done when the park already has an alarm detected more than a week ago.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.utils import timezone

from qingyuan.alarms import actions, context, episodes, rules
from qingyuan.alarms.choices import AlarmKind, ExplanationKind
from qingyuan.alarms.demo_people import People
from qingyuan.alarms.models import Alarm, AlarmEpisode, Policy
from qingyuan.core import audit
from qingyuan.core.models import Attachment, Notification
from qingyuan.demo.story import ZONE, backdated
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.quality.aggregate import unit_of
from qingyuan.quality.models import DailyValue, HourlyValue, KpiDaily
from qingyuan.tasks import actions as task_actions
from qingyuan.tasks.models import Assignment, ProgressReport

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# How long handling takes: an exceedance is closed about four days after it was detected; an
# offline alarm stays open until the logger has been repaired and has run a while (three weeks).
LIFETIME = {AlarmKind.EXCEEDANCE: dt.timedelta(days=4), AlarmKind.OFFLINE: dt.timedelta(days=21)}
# While findings keep coming the alarm stays open (closed this long after the last one), but not
# for ever: after MAX_OPEN it is closed (the plant was dealt with) and a later finding is a new alarm.
AFTER_LAST = {AlarmKind.EXCEEDANCE: dt.timedelta(days=5), AlarmKind.OFFLINE: dt.timedelta(days=10)}
MAX_OPEN = {AlarmKind.EXCEEDANCE: dt.timedelta(days=30), AlarmKind.OFFLINE: dt.timedelta(days=30)}
REFER_ABOVE = 1.6  # a peak above 1.6 times the limit is referred to enforcement; the others accepted
STILL_OPEN = dt.timedelta(days=5)  # findings this close to today: the alarm is still being handled


@dataclass
class Obs:
    start: dt.datetime
    end: dt.datetime
    value: float
    limit: float | None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Draft:
    point: Any  # PointContext
    kind: str
    parameter: str
    obs: list[Obs]
    closes: dt.datetime | None = None  # None: still open

    @property
    def start(self) -> dt.datetime:
        return self.obs[0].start

    @property
    def end(self) -> dt.datetime:
        return max(o.end for o in self.obs)

    @property
    def detected(self) -> dt.datetime:
        return self.obs[0].end + dt.timedelta(minutes=7)

    @property
    def peak(self) -> float:
        return max(o.value for o in self.obs)


# ---- findings from the seeded data ----------------------------------------------------------------

def exceedances(ctxs: dict[int, Any], cfg: rules.RuleConfig) -> dict[tuple[int, str], list[Obs]]:
    """Valid hourly/daily means above their limit, by (point, parameter), in time order."""
    found: dict[tuple[int, str], list[Obs]] = defaultdict(list)
    limits = {(pid, code): ctx.limit(code) for pid, ctx in ctxs.items() for code in ctx.permit}
    limits = {k: v for k, v in limits.items() if v is not None and v.value is not None}
    hourly_days: dict[tuple[int, str], list[dt.datetime]] = defaultdict(list)
    for pid, code, start, mean, zs, top, valid in DailyValue.objects.filter(
            point_id__in=ctxs, parameter__in={c for _p, c in limits}).values_list(
            "point_id", "parameter", "start", "mean", "zs_mean", "max", "valid").order_by("start"):
        limit = limits.get((pid, code))
        if limit is None:
            continue
        if limit.basis == "hourly_mean":
            if top is not None and top > limit.value:
                hourly_days[(pid, code)].append(start)  # an hour of the day may exceed: judged below
            continue
        f = rules.judge("day", start, start + DAY, code, mean, zs, valid, limit, cfg)
        if f is not None and f.kind == AlarmKind.EXCEEDANCE:
            found[(pid, code)].append(Obs(f.start, f.end, f.value, f.limit, dict(f.detail)))
    for (pid, code), days in hourly_days.items():
        limit = limits[(pid, code)]
        hours = HourlyValue.objects.filter(point_id=pid, parameter=code, start__gte=days[0],
                                           start__lt=days[-1] + DAY, mean__gt=limit.value * 0.5)
        wanted = set(days)
        for start, mean, zs, valid in hours.values_list("start", "mean", "zs_mean", "valid").order_by("start"):
            day = timezone.localtime(start, ZONE).replace(hour=0)
            if day not in wanted:
                continue
            f = rules.judge("hour", start, start + HOUR, code, mean, zs, valid, limit, cfg)
            if f is not None and f.kind == AlarmKind.EXCEEDANCE:
                found[(pid, code)].append(Obs(f.start, f.end, f.value, f.limit, dict(f.detail)))
    return found


def outages(ctxs: dict[int, Any], cfg: rules.RuleConfig, last: dt.datetime) -> dict[tuple[int, str], list[Obs]]:
    """Stretches of at least ``offline_hours`` without any hourly value, from the KPIs' missing hours."""
    found: dict[tuple[int, str], list[Obs]] = {}
    need = dt.timedelta(hours=cfg.offline_hours)
    gappy = set(KpiDaily.objects.filter(point_id__in=ctxs, received__lte=24 - cfg.offline_hours)
                .values_list("point_id", flat=True))
    for pid in sorted(gappy):
        starts = sorted(set(HourlyValue.objects.filter(point_id=pid).values_list("start", flat=True)))
        runs = []
        for before, after in zip(starts, starts[1:], strict=False):
            gap = after - before - HOUR
            if gap >= need:
                hours = gap / HOUR
                runs.append(Obs(before + HOUR, after, hours, cfg.offline_hours))
        if starts and last - starts[-1] - HOUR >= need:
            hours = (last - starts[-1] - HOUR) / HOUR
            runs.append(Obs(starts[-1] + HOUR, last, hours, cfg.offline_hours))
        if runs:
            found[(pid, "")] = runs
    return found


def drafts(findings: dict[tuple[int, str], list[Obs]], kind: str, ctxs: dict[int, Any],
           now: dt.datetime) -> list[Draft]:
    """One alarm per stretch of findings while it is active: a finding after its closing opens the next."""
    out = []
    for (pid, code), obs in findings.items():
        current: Draft | None = None
        for o in sorted(obs, key=lambda o: o.start):
            if current is not None and (current.closes is None or o.start <= current.closes):
                current.obs.append(o)  # while an alarm is open, a new finding extends it
                if current.closes is not None:
                    current.closes = min(max(current.closes, o.end + AFTER_LAST[kind]),
                                         current.detected + MAX_OPEN[kind])
                continue
            if current is not None and _still_open(current, now):
                current.closes = None
                current.obs.append(o)
                continue
            current = Draft(ctxs[pid], kind, code, [o])
            current.closes = current.detected + LIFETIME[kind]
            out.append(current)
    for d in out:
        if d.closes is None:
            continue
        if _still_open(d, now):
            d.closes = None
        elif d.closes > now - dt.timedelta(hours=1):
            d.closes = now - dt.timedelta(hours=2)  # its data ended days ago: the handling closes it now
    return sorted(out, key=lambda d: (d.detected, d.point.info.id, d.parameter))


def _still_open(d: Draft, now: dt.datetime) -> bool:
    """Being handled now: a finding of the last days is in it (then every later finding extends it, as
    the engine does with an active alarm). An alarm whose data ended before is closed by today."""
    return d.closes is None or d.end > now - STILL_OPEN


# ---- writing and handling -------------------------------------------------------------------------

EXPLANATIONS = {
    ("exceedance", "gas"): (ExplanationKind.PROCESS, "废气治理设施运行不稳定（低温导致脱硫循环液结晶、喷淋量下降），"
                            "已清理管路、调整循环液pH和喷淋量，并加强夜班巡检，排放浓度已恢复达标。"),
    ("exceedance", "water"): (ExplanationKind.PROCESS, "车间清洗废水集中排放冲击预处理调节池，已减少来水、投加药剂并延长停留时间，"
                              "出水已恢复达标。"),
    ("offline", ""): (ExplanationKind.INSTRUMENT, "数采仪通讯模块故障，数据未能上传。已更换通讯模块并补传可补数据，"
                      "附运维单位维修记录。"),
}
WEEK_EXPLANATION = "监测站房供电线路故障，设备停运约一周。已修复供电线路、加装不间断电源，停运期间按规定开展手工监测，附维修和手工监测记录。"
VERDICT_NOTE = {"accept": "经核查，说明属实，整改措施已落实。",
                "refer": "超标倍数较大且持续，移交县环境监察大队依法查处。"}


def _pdf(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _set(model: type[models.Model], pk: Any, **values: Any) -> None:
    """Date what an action stamped with now() (the seeder's own rows, before anyone has seen them)."""
    models.QuerySet(model).filter(pk=pk).update(**values)


class Writer:
    def __init__(self, park: Any, people: People, office: Any, policy: Policy, now: dt.datetime) -> None:
        self.park, self.people, self.office, self.policy, self.now = park, people, office, policy, now
        self.enterprises = {e.pk: e for e in Enterprise.objects.filter(park=park).select_related("linked_unit", "park")}

    def create(self, d: Draft) -> Alarm:
        """The engine's write of a new alarm (``actions._create`` + ``_announce``'s audit entry), at detection."""
        info = d.point.info
        detail = dict(d.obs[-1].detail)
        spans = sorted((o.start, o.end) for o in d.obs)
        count, reach = 0, None
        for s, e in spans:
            if reach is None or s > reach:
                count += 1
            reach = e if reach is None or e > reach else reach
        last = max(o.end for o in d.obs if o.start <= (d.closes or self.now)) + dt.timedelta(minutes=7)
        with backdated(d.detected):
            alarm = Alarm.objects.create(
                park_id=info.park_id, enterprise_id=info.enterprise_id, point_id=info.id, parameter=d.parameter,
                kind=d.kind, severity=actions.SEVERITY[d.kind], start=d.start, end=d.end, peak=round(d.peak, 3),
                limit=d.obs[0].limit, unit=actions.UNITS.get(d.kind, unit_of(d.parameter) if d.parameter else ""),
                count=count, detail=detail, first_detected_at=d.detected, last_detected_at=last)
            point = MonitoringPoint(pk=info.id, name=d.point.name, mn=d.point.mn)
            audit.record("alarm.raise", alarm, acting_user=None, related=point, after={
                "kind": alarm.kind, "parameter": alarm.parameter, "severity": alarm.severity,
                "start": alarm.start.isoformat(), "peak": alarm.peak, "limit": alarm.limit})
        return alarm

    def handle(self, alarm: Alarm, d: Draft) -> None:
        """Acknowledge, explain, verify and close: each step dated and done by whom the workflow says."""
        enterprise = self.enterprises[alarm.enterprise_id]
        staff = self.people.enterprise(enterprise)
        officer = self.people.officer(enterprise.linked_unit) or self.office
        t = d.detected
        steps = [("ack", t + dt.timedelta(hours=2, minutes=13)), ("explain", t + dt.timedelta(hours=26)),
                 ("verify", t + dt.timedelta(hours=50))]
        if d.closes is not None:
            steps.append(("close", max(d.closes, t + dt.timedelta(hours=51))))
        for step, when in steps:
            if when > self.now - dt.timedelta(hours=1) or (step != "ack" and d.closes is None):
                break
            fresh = Alarm.objects.select_related("enterprise").get(pk=alarm.pk)
            with backdated(when):
                if step == "ack":
                    actions.do_acknowledge(fresh, acting_user=staff)
                elif step == "explain":
                    self._explain(fresh, d, staff, when)
                elif step == "verify":
                    worst = d.kind == AlarmKind.EXCEEDANCE and d.obs[0].limit and d.peak > REFER_ABOVE * d.obs[0].limit
                    decision = "refer" if worst else "accept"
                    actions.do_verify(fresh, decision, acting_user=officer, note=VERDICT_NOTE[decision])
                    _set(Alarm, alarm.pk, verified_at=when)
                else:
                    actions.do_close(fresh, acting_user=officer, note="已整改到位，关闭报警。")
                    _set(Alarm, alarm.pk, closed_at=when)

    def _explain(self, alarm: Alarm, d: Draft, staff: Any, when: dt.datetime) -> None:
        medium = d.point.info.medium if d.kind == AlarmKind.EXCEEDANCE else ""
        kind, text = EXPLANATIONS[(str(d.kind), medium)]
        if d.kind == AlarmKind.OFFLINE and d.peak >= 72:
            text = WEEK_EXPLANATION
        mark = Attachment.objects.aggregate(m=models.Max("pk"))["m"] or 0
        actions.do_explain(alarm, acting_user=staff, kind=kind, text=text, files=[_pdf("情况说明及佐证材料.pdf")])
        _set(Alarm, alarm.pk, explained_at=when)
        models.QuerySet(Attachment).filter(pk__gt=mark).update(uploaded_at=when)

    # ---- episodes and their assignments (``episodes.place``, dated) ----

    def place(self, alarm: Alarm, d: Draft, state: dict[int, dict[str, Any]]) -> None:
        enterprise = self.enterprises[alarm.enterprise_id]
        if not episodes.takes_part(alarm, self.policy):
            return
        ep = state.get(enterprise.pk)
        joins = ep is not None and d.start <= ep["last_end"] + self.policy.episode_gap and (
            ep["done"] is None or d.detected < ep["done"])
        if not joins:
            with backdated(d.detected):
                episode = AlarmEpisode.objects.create(park_id=alarm.park_id, enterprise=enterprise, start=d.start,
                                                      opened_at=d.detected)
            ep = state[enterprise.pk] = {"episode": episode, "last_end": d.end, "assignment": None, "done": None,
                                         "alarms": []}
        assert ep is not None
        ep["last_end"] = max(ep["last_end"], d.end)
        ep["alarms"].append((alarm, d))
        Alarm.objects.filter(pk=alarm.pk).update(episode=ep["episode"])
        if alarm.kind not in self.policy.assign_kinds or enterprise.linked_unit_id is None:
            return
        if ep["assignment"] is None:
            ep["assignment"] = self._issue(ep, alarm, d, enterprise)
        else:
            with backdated(d.detected):
                Alarm.objects.filter(pk=alarm.pk).update(assignment=ep["assignment"])
                task_actions.do_amend_assignment(
                    ep["assignment"], acting_user=None, requirements=episodes.requirements(
                        enterprise, episodes._alarms_of(ep["assignment"].pk)),
                    priority=episodes.PRIORITY.get(alarm.severity, "normal"), related=alarm,
                    message=f"报警 #{alarm.pk} 并入本次报警过程。")
        Alarm.objects.filter(pk=alarm.pk).update(assignment=ep["assignment"])

    def _issue(self, ep: dict[str, Any], alarm: Alarm, d: Draft, enterprise: Enterprise) -> Assignment:
        issued = timezone.localtime(d.detected, ZONE)
        with backdated(d.detected):
            a = task_actions.do_issue_assignment(
                park=self.park, assignee_unit=enterprise.linked_unit, acting_user=None, enterprise=enterprise,
                subject=f"{enterprise.name}{issued:%Y-%m-%d %H:%M}起在线监测报警"[:190],
                requirements=episodes.requirements(enterprise, [alarm]),
                deadline=issued.date() + dt.timedelta(days=self.policy.deadline_days),
                priority=episodes.PRIORITY.get(alarm.severity, "normal"), source=alarm,
                source_label=f"报警 #{alarm.pk}", issued_on=issued.date())
        _set(Assignment, a.pk, created_at=d.detected)
        AlarmEpisode.objects.filter(pk=ep["episode"].pk).update(assignment=a)
        Alarm.objects.filter(pk=alarm.pk).update(assignment=a)
        officer = self.people.officer(enterprise.linked_unit)
        sign = d.detected + dt.timedelta(hours=3)
        if officer is None or sign > self.now:
            return a
        with backdated(sign):
            task_actions.do_sign_assignment(Assignment.objects.get(pk=a.pk), acting_user=officer,
                                            note="已签收，已通知企业说明情况并安排现场核查。")
        _set(Assignment, a.pk, signed_at=sign)
        accept = d.detected + dt.timedelta(hours=70)  # submitted 16 hours before (``finish``)
        # an episode still being handled keeps its assignment in progress
        ep["done"] = None if accept > self.now - STILL_OPEN or d.closes is None else accept
        return a

    def finish(self, ep: dict[str, Any]) -> None:
        """Submit and accept an episode's assignment once its handling is over."""
        a, done = ep["assignment"], ep["done"]
        if a is None or done is None:
            return
        officer = self.people.officer(self.enterprises[a.enterprise_id].linked_unit)
        submit = done - dt.timedelta(hours=16)
        with backdated(submit):
            report = task_actions.do_submit_assignment(
                Assignment.objects.get(pk=a.pk), acting_user=officer,
                text="已现场核查，企业已说明原因并完成整改，报警均已核实处理，附核查记录。")
        _set(ProgressReport, report.pk, created_at=submit)
        _set(Assignment, a.pk, submitted_at=submit)
        with backdated(done):
            task_actions.do_verify_assignment(Assignment.objects.get(pk=a.pk), acting_user=self.office, accept=True,
                                              reason="核查属实，同意办结。")
        _set(Assignment, a.pk, closed_at=done)


def seed(seeder: Any) -> dict[str, int]:
    park, cal = seeder.park, seeder.story
    # The engine raises alarms from the moment the demo runs: one detected a week before today is history.
    if Alarm.objects.filter(park=park, first_detected_at__lt=timezone.now() - dt.timedelta(days=7)).exists():
        return {}
    now = timezone.now()
    policy = Policy.for_park(park.pk)
    # Discharge points only: the treatment plant's inlet (``demo.history``: "进水") shares the effluent's
    # outlet but is not judged against its limits.
    ids = (MonitoringPoint.objects.filter(park=park, outlet__enterprise__isnull=False)
           .exclude(name__contains="进水").values_list("pk", flat=True))
    ctxs = context.load(ids)
    last = dt.datetime.combine(cal.today, dt.time(), tzinfo=ZONE)
    found = drafts(exceedances(ctxs, policy.rules), AlarmKind.EXCEEDANCE, ctxs, now)
    found += drafts(outages(ctxs, policy.rules, last), AlarmKind.OFFLINE, ctxs, now)
    found.sort(key=lambda d: (d.detected, d.point.info.id, d.parameter))
    writer = Writer(park, People(park, seeder.users), seeder.users["office"], policy, now)
    state: dict[int, dict[str, Any]] = {}
    finished: list[dict[str, Any]] = []
    mark = Notification.objects.aggregate(m=models.Max("pk"))["m"] or 0
    transaction.on_commit(lambda: _mark_read_after(mark))  # before the handling's notifications are written
    for d in found:
        alarm = writer.create(d)
        previous = state.get(alarm.enterprise_id)
        writer.place(alarm, d, state)
        if previous is not None and state.get(alarm.enterprise_id) is not previous:
            finished.append(previous)  # a new episode began: the enterprise's previous one is over
        writer.handle(alarm, d)
    for ep in [*finished, *state.values()]:
        writer.finish(ep)
    transaction.on_commit(lambda: _mark_read(mark))
    return {"alarms": len(found), "episodes": len(finished) + len(state),
            "open": sum(1 for d in found if d.closes is None)}


_MARK: dict[str, int] = {}


def _mark_read_after(mark: int) -> None:
    _MARK["from"] = Notification.objects.aggregate(m=models.Max("pk"))["m"] or mark


def _mark_read(mark: int) -> None:
    """The handling's notifications are history: read when they were written."""
    start = _MARK.pop("from", mark)
    Notification.objects.filter(pk__gt=start, read_at__isnull=True).update(read_at=models.F("created_at"))

