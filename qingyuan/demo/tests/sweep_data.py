"""The sweeps' data: the demo county plus the few rows it only gets once the demo runs.

The seed covers organisation, enterprises, plans, tasks, patrols, complaints, loads and
sections. Alarms, raw packets, the quarantine, rebound flags and inbox notes appear only
when the gateway and the worker run, so they are added here (ingest for packets, the
alarm action for evidence, rows for the rest) for both demo enterprises, so that every
URL with an id has an object its role may see and one it may not. The demo's one assessment and
one (issued) briefing get company: last year's scheme assessing another unit, appeals, a draft
briefing only managers see, and a finished job for every account.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from qingyuan.demo import data

ROLES = ["leader", "office", "epb", "township", "ent1", "ent2", "inspector", "expert", "supervisor", "finance", "admin", None]
READ_ONLY = {"supervisor", "expert"}
UNKNOWN_MN = "361123QXSWEEP000000000077"


@dataclass
class Demo:
    media: str
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, username: str | None) -> Any:
        return None if username is None else get_user_model().objects.get(username=username)


def seed_demo(media: str) -> Demo:
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[r for r in ROLES if r])}
    _monitoring(users)
    _notes(users)
    _issue_12(users)
    from qingyuan.demo.tests.sweep_routes import app_sweep_modules

    for module in app_sweep_modules():
        if hasattr(module, "seed"):
            module.seed(users)
    return Demo(media=media, users=users)


def _upload(point: Any, mn: str, data_time: str) -> Any:
    from qingyuan.gateway.sink import Received
    from qingyuan.hj212 import Decoder, Packet, build_packet

    cp = f"DataTime={data_time};w01018-Avg=40.5,w01018-Min=39.0,w01018-Max=42.0,w01018-Flag=N"
    frame = build_packet(st=point.st if point else "32", cn="2051", pw=point.password if point else "123456",
                         mn=mn, cp=cp, qn=f"{data_time}051", flag=5)
    decoder = Decoder()
    decoder.receive_data(frame)
    packet = decoder.next_event()
    assert isinstance(packet, Packet)
    return Received(packet, "10.0.0.8:40000", time.time(), 1)


def _monitoring(users: dict[str, Any]) -> None:
    """A packet, an alarm (explained, with evidence) and a rebound flag for each demo enterprise;
    one quarantined MN."""
    from qingyuan.alarms import actions as alarm_actions
    from qingyuan.alarms.models import Alarm
    from qingyuan.enterprises.models import Enterprise, MonitoringPoint
    from qingyuan.ingest.process import process_packets
    from qingyuan.loads.models import ReboundFlag

    now = timezone.now()
    stamp = (timezone.localtime(now) - dt.timedelta(minutes=20)).strftime("%Y%m%d%H%M00")
    batch = []
    for username in ("ent1", "ent2"):
        enterprise = Enterprise.objects.get(name=data.ENTERPRISE_OF[username])
        point = MonitoringPoint.objects.filter(outlet__enterprise=enterprise).order_by("pk").first()
        assert point is not None
        batch.append(_upload(point, point.mn, stamp))
        alarm = Alarm.objects.create(
            park=enterprise.park, enterprise=enterprise, point=point, parameter="w01018", kind="exceedance",
            severity="high", start=now - dt.timedelta(hours=2), end=now - dt.timedelta(hours=1), peak=80.0,
            limit=60.0, unit="mg/L", first_detected_at=now, last_detected_at=now)
        pdf = SimpleUploadedFile("检修记录.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                                 content_type="application/pdf")
        alarm_actions.do_explain(alarm, acting_user=users[username], kind="maintenance",
                                 text="设备检修，已更换探头。", files=[pdf])
        ReboundFlag.objects.create(park=enterprise.park, enterprise=enterprise, point=point,
                                   pollutant_code="w01018", detected_at=now, limit=60.0, unit="mg/L")
    batch.append(_upload(None, UNKNOWN_MN, stamp))
    process_packets(batch)


def _notes(users: dict[str, Any]) -> None:
    """An inbox note and an API token for every demo account."""
    from qingyuan.core import tokens
    from qingyuan.core.models import Notification

    issue = getattr(tokens, "do_issue_api_token", None)
    for user in users.values():
        issue(user, acting_user=user) if issue else tokens.issue(user)  # type: ignore[attr-defined]
    Notification.objects.bulk_create(
        Notification(recipient=user, kind="sweep", title=f"{user.username} 的通知", url="/") for user in users.values())


def _issue_12(users: dict[str, Any]) -> None:
    """Last year's scheme (one unit, an indicator, a score, a veto with its file), an appeal in each scheme,
    a draft briefing with a section, and a finished job with its file for every demo account."""
    from qingyuan.assessment import actions as assessment
    from qingyuan.assessment.choices import Method, UnitCategory, VetoCondition
    from qingyuan.assessment.models import Appeal, Scheme, Score
    from qingyuan.briefings.models import Briefing, BriefingSection
    from qingyuan.core import jobs
    from qingyuan.core.models import Job

    office = users["office"]
    current = Scheme.objects.get()
    # Not the scheme's first unit nor 临江镇 (the township officer's), so a unit in the wrong scheme is foreign.
    other = current.assessed.exclude(unit__name__contains="临江").order_by("-pk").first()
    assert other is not None
    last = assessment.do_create_scheme(current.park, current.year - 1, f"{current.year - 1}年度考核（扫描用）",
                                       acting_user=office)
    assessment.do_set_assessed_units(last, [(other.unit, UnitCategory.DEPARTMENT)], acting_user=office)
    group = assessment.do_add_group(last, "工作保障", acting_user=office)
    indicator = assessment.do_add_indicator(group, name="会议部署", weight=Decimal(100), method=Method.MANUAL,
                                            acting_user=office)
    Score.objects.create(scheme=last, unit=other.unit, indicator=indicator, value=Decimal(90), points=Decimal(90))
    pdf = SimpleUploadedFile("事故报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    assessment.do_record_veto(last, other.unit, condition=VetoCondition.MAJOR_INCIDENT, reason="扫描用否决",
                              occurred_on=dt.date(last.year, 6, 1), uploads=[pdf], acting_user=office)
    for scheme in (current, last):
        for assessed in scheme.assessed.select_related("unit"):
            Appeal.objects.create(scheme=scheme, unit=assessed.unit, text="扫描用申诉", created_by_name="扫描")
    briefing = Briefing.objects.create(park=current.park, kind="ad_hoc", title="扫描用简报（草稿）",
                                       period_start=dt.date(current.year, 1, 1), period_end=dt.date(current.year, 1, 31),
                                       created_by=office, created_by_name="扫描")
    BriefingSection.objects.create(briefing=briefing, key="lead", heading="导语", text="<p>扫描用</p>")
    for user in users.values():
        job = Job.objects.create(kind="briefings.render", title=f"{user.username} 的文件", created_by=user,
                                 status=Job.Status.DONE, done=1, total=1, finished_at=timezone.now())
        jobs.set_result(job, "sweep.txt", f"{user.username}".encode(), "text/plain")
