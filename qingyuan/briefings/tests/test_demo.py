"""The demo's briefing: last month's, edited, approved, issued with its number, read once; seeded once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import time_machine

from qingyuan.briefings import demo
from qingyuan.briefings.models import Briefing, ReadReceipt
from qingyuan.briefings.tests import county
from qingyuan.core.models import AuditEntry


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_seeds_last_months_issued_briefing_with_a_read_receipt_once(world: Any, as_user: Any) -> None:
    county.month(world)
    seeder = SimpleNamespace(park=world.park, units={"bureau": world.bureau, "town": world.township_unit,
                                                     "office": world.office},
                             users={"office": world.regulator, "leader": world.leader, "epb": world.officer})
    demo.seed(seeder)
    b = Briefing.objects.get()
    assert (b.kind, b.period_start.isoformat(), b.period_end.isoformat()) == ("monthly", "2026-03-01", "2026-03-31")
    assert b.title == "2026年3月园区整治工作简报"
    assert b.status == "issued" and b.number == "清源简报〔2026〕第1期" and b.approved_by_name == "县领导"
    assert set(b.recipients.all()) == {world.bureau, world.township_unit}  # departments and townships, not the office
    first = b.sections.order_by("order").first()
    assert first.text.startswith(demo.LEAD) and len(first.text) > len(demo.LEAD)
    assert first.evidence["issued"]["ids"]  # drafted from the month's records
    receipt = ReadReceipt.objects.get(briefing=b)
    assert (receipt.user, receipt.unit) == (world.officer, world.bureau)
    actions = list(AuditEntry.objects.filter(object_id=str(b.pk), action__startswith="briefing.")
                   .values_list("action", flat=True))
    for action in ("briefing.draft", "briefing.recipients", "briefing.submit", "briefing.approve",
                   "briefing.issue", "briefing.read"):
        assert action in actions
    assert AuditEntry.objects.filter(action="briefing.edit_section", object_id=str(first.pk)).exists()
    page = as_user(world.regulator).get(b.get_absolute_url()).content.decode()
    assert "环保局联络员" in page and "清源简报〔2026〕第1期" in page
    before = (Briefing.objects.count(), ReadReceipt.objects.count(), AuditEntry.objects.count())
    demo.seed(seeder)
    assert (Briefing.objects.count(), ReadReceipt.objects.count(), AuditEntry.objects.count()) == before
