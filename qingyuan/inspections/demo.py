"""Demo patrols for the demo county: plans for every enterprise, a month of patrols, one random draw.

Everything goes through the actions (audited, notified). Idempotent: plans are
recomputed (same result), patrols are seeded only when the park has none yet, the
draw only when the park has no draw. Content comes from the seeder's fixed random
generator; dates are counted back from today.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections import actions, checklists
from qingyuan.inspections.choices import PatrolKind, Severity
from qingyuan.inspections.models import Finding, Patrol, PatrolPlan, RandomDraw
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership

DAYS = 30
# A draw needs at least two inspectors. The demo has one inspector account; the environmental
# bureau's officer (epb) also holds law-enforcement papers, so he joins the pool without a new account.
SECOND_INSPECTOR = ("epb", "县环保局")
# Findings an inspector writes, by checklist item.
FINDINGS = {
    "ww_treatment": ("生化池曝气风机一台停运，好氧段溶解氧偏低，运行记录未注明原因。", Severity.SERIOUS),
    "rain_sewage": ("雨水排口有浑浊积水，pH试纸显示偏酸，疑似初期雨水未收集。", Severity.SEVERE),
    "gas_treatment": ("碱洗塔循环泵故障停用，废气直排，现场有明显刺激性气味。", Severity.SEVERE),
    "vocs_capture": ("反应釜投料口集气罩破损，投料时无组织逸散明显。", Severity.SERIOUS),
    "online_monitoring": ("COD在线分析仪标液过期，近一周数据标记为N但未做校准。", Severity.SERIOUS),
    "hazardous_waste": ("危废贮存间标识不全，两桶废溶剂露天堆放在车间外。", Severity.SERIOUS),
    "tank_farm": ("罐区围堰排水阀常开，围堰内有油污。", Severity.MINOR),
    "outlet_marking": ("总排口标志牌褪色，采样平台护栏缺失。", Severity.MINOR),
    "records": ("治污设施运行台账停记三天，加药量无记录。", Severity.MINOR),
    "emergency": ("应急池内存有积水约三分之一，未及时清空。", Severity.MINOR),
    "no_discharge": ("厂区西侧雨水沟有异味，需进一步核查是否偷排。", Severity.SERIOUS),
    "production_stopped": ("车间内发现少量新进原料，需核实是否恢复生产。", Severity.SERIOUS),
    "coal_yard": ("煤场东侧苫盖不全，有扬尘。", Severity.MINOR),
    "sludge": ("污泥暂存间门未关闭，渗滤液外流。", Severity.MINOR),
}
SUMMARIES = ["现场检查，企业环保负责人陪同。", "突击检查，生产正常。", "夜间巡查，重点核查废气处理设施运行。",
             "复查上次巡查问题整改情况。", "结合在线监控数据开展现场核查。"]


def _png(rgb: tuple[int, int, int], width: int = 64, height: int = 48) -> bytes:
    """A small solid-colour PNG, standing in for a photo taken on site."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def seed(seeder: Any) -> None:
    park = seeder.park
    username, unit = SECOND_INSPECTOR
    Membership.objects.get_or_create(user=seeder.users[username], park=park, unit=seeder.units[unit],
                                     role=Role.INSPECTOR)
    team = [seeder.users["inspector"], seeder.users[username]]
    actions.do_refresh_plans(park=park)
    # (the closures' special patrols that verified their production stops are seeded earlier, with the plants)
    if not Patrol.objects.filter(park=park).exclude(kind=PatrolKind.SPECIAL).exists():
        _patrols(seeder, team)
    if not RandomDraw.objects.filter(park=park).exists():
        d = actions.do_draw(park=park, acting_user=seeder.users["office"], title="本月双随机抽查", sample_size=3,
                            deadline=timezone.localdate() + dt.timedelta(days=20),
                            statuses=["operating", "rectifying", "rectified"])
        actions.do_publish_draw(d, acting_user=seeder.users["office"])
    seeder.log(f"patrols: {Patrol.objects.filter(park=park).count()}, "
               f"plans: {PatrolPlan.objects.filter(enterprise__park=park).count()}")


def _patrols(seeder: Any, team: list[Any]) -> None:
    rng = seeder.rng
    inspector = team[0]
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    plans = {p.enterprise_id: p for p in PatrolPlan.objects.filter(enterprise__park=seeder.park)}
    visits: list[tuple[dt.date, Enterprise]] = []
    for e in Enterprise.objects.filter(park=seeder.park).order_by("pk"):
        interval = plans[e.pk].interval_days if e.pk in plans else 30
        day = today - dt.timedelta(days=DAYS - rng.randrange(0, min(interval, DAYS)))
        while day < today:
            visits.append((day, e))
            day += dt.timedelta(days=interval + rng.randrange(-1, 2))
    visits.sort(key=lambda v: (v[0], v[1].pk))
    made: list[Finding] = []
    for n, (day, e) in enumerate(visits):
        checklist = checklists.checklist_for(e)
        start = dt.datetime.combine(day, dt.time(8 + rng.randrange(0, 9), rng.randrange(0, 60)), tzinfo=tz)
        problems = [k for k in checklist.keys if k in FINDINGS and rng.random() < 0.07]
        answers = {k: {"answer": "problem" if k in problems else ("na" if rng.random() < 0.05 else "ok"),
                       "note": ""} for k in checklist.keys}
        lat = (e.latitude or Decimal("27.835")) + Decimal(rng.randrange(-150, 150)) / Decimal(1_000_000)
        lon = (e.longitude or Decimal("116.412")) + Decimal(rng.randrange(-150, 150)) / Decimal(1_000_000)
        photos = [SimpleUploadedFile(f"现场{n}.png", _png((120 + rng.randrange(0, 100), 110, 90)), "image/png")
                  for _ in problems]
        patrol = actions.do_record_patrol(
            enterprise=e, acting_user=inspector, kind=PatrolKind.PLANNED, started_at=start,
            finished_at=start + dt.timedelta(minutes=30 + rng.randrange(0, 60)), checklist_key=checklist.key,
            checklist=answers, latitude=lat, longitude=lon, gps_accuracy_m=5 + rng.randrange(0, 25), gps_at=start,
            notes=rng.choice(SUMMARIES), co_inspectors=[team[1 + n % (len(team) - 1)]], photos=photos,
            findings=[{"text": FINDINGS[k][0], "severity": FINDINGS[k][1], "checklist_item": k} for k in problems],
            backdated=True)
        made.extend(patrol.findings.all())
    # Two findings became assignments to the enterprises' linked units; one was put right on the spot.
    open_findings = [f for f in made if f.patrol.enterprise.linked_unit_id]
    for finding in sorted(open_findings, key=lambda f: f.severity != Severity.SEVERE)[:2]:
        actions.do_assign_finding(finding, acting_user=inspector)
    rest = [f for f in made if f.status == "open" and f.severity == Severity.MINOR]
    if rest:
        actions.do_close_finding(rest[0], acting_user=inspector, reason="现场已责令整改并复核完成。")
