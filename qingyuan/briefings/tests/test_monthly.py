"""The worker mails last month's statistics workbook once per park to the leader and the office, audited."""

from __future__ import annotations

import io
from typing import Any

import time_machine
from django.core import mail
from openpyxl import load_workbook

from qingyuan.briefings import monthly
from qingyuan.briefings.models import MonthlyWorkbook
from qingyuan.briefings.tests import county
from qingyuan.core.models import AuditEntry


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_mails_the_monthly_workbook_once_to_the_leader_and_the_office(world: Any) -> None:
    county.month(world)
    for user, address in ((world.leader, "leader@example.cn"), (world.regulator, "office@example.cn"),
                          (world.officer, "officer@example.cn")):
        user.email = address
        user.save()
    while monthly.handle_one_month():
        pass
    assert monthly.handle_one_month() is False
    row = MonthlyWorkbook.objects.get(park=world.park)
    assert str(row.month) == "2026-03-01" and row.recipients == ["leader@example.cn", "office@example.cn"]
    sent = [m for m in mail.outbox if "测试园区" in m.subject]
    assert len(sent) == 1 and sorted(sent[0].to) == ["leader@example.cn", "office@example.cn"]
    name, content, _mime = sent[0].attachments[0]
    wb = load_workbook(io.BytesIO(content))
    rows = list(wb["交办事项分单位情况"].values)
    assert rows[0] == ("单位", "交办", "办结", "逾期") and ("临江镇", 0, 0, 2) in rows
    assert AuditEntry.objects.filter(action="briefing.monthly_workbook", object_id=str(row.pk)).exists()
