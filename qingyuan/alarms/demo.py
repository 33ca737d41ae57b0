"""Demo material for alarms and data quality: the park's alarm policy and a stop-production declaration.

The year's alarm history is derived from the seeded values in ``qingyuan.alarms.history``
(after the history is written); live alarms come from the simulator's misbehaving loggers
through the gateway as soon as ``qingyuan demo`` runs (see docs/monitoring-intelligence.md
for which scenario lights up which kind).
Idempotent: the policy is set once; the declaration is filed once per enterprise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.alarms import actions
from qingyuan.alarms.models import AlarmPolicy
from qingyuan.enterprises.models import Enterprise
from qingyuan.quality import actions as quality_actions
from qingyuan.quality.models import StopDeclaration

DECLARATION_REASON = "2号反应釜及配套废水预处理装置停产检修，期间全厂停止生产和排水，检修结束后恢复生产。"


def _pdf() -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile("停产检修通知.pdf", body, content_type="application/pdf")


def seed(seeder: Any) -> None:
    park = seeder.park
    if not AlarmPolicy.objects.filter(park=park).exists():
        actions.do_set_policy(park, acting_user=seeder.users["admin"], deadline_days=3)
    enterprise = Enterprise.objects.filter(name="江右精细化工股份有限公司").first()
    if enterprise is None or StopDeclaration.objects.filter(enterprise=enterprise).exists():
        return
    today = timezone.localdate()
    start = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(8), tzinfo=timezone.get_current_timezone())
    quality_actions.do_submit_declaration(
        enterprise, acting_user=seeder.users["ent2"], start=start, end=start + dt.timedelta(hours=30),
        reason=DECLARATION_REASON, files=[_pdf()])
    seeder.log("alarms: policy set; one stop-production declaration waiting for review")
