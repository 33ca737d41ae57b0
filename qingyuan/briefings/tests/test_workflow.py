"""Numbering at issue, approval before issue, editing only drafts, read receipts."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qingyuan.briefings import actions
from qingyuan.briefings.models import Briefing, ReadReceipt
from qingyuan.briefings.tests import county
from qingyuan.core.models import AuditEntry
from qingyuan.core.workflow import TransitionError


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_numbers_issued_briefings_per_park_and_year(world: Any) -> None:
    first, second = county.issued(world), county.issued(world)
    assert (first.number, second.number) == ("清源简报〔2026〕第1期", "清源简报〔2026〕第2期")
    draft = county.draft(world)
    assert draft.number == "" and draft.serial is None
    assert AuditEntry.objects.filter(action="briefing.issue", object_id=str(first.pk)).exists()
    with time_machine.travel("2027-01-05 10:00 +0800", tick=False):
        assert county.issued(world).number == "清源简报〔2027〕第1期"


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_refuses_to_issue_before_approval(world: Any, as_user: Any) -> None:
    b = county.draft(world)
    actions.do_set_recipients(b, units=[world.bureau], acting_user=world.regulator)
    actions.do_fire_briefing(b, "submit", acting_user=world.regulator)
    with pytest.raises(TransitionError) as refused:
        actions.do_issue_briefing(b, acting_user=world.regulator)
    assert "待审批" in refused.value.message or "Awaiting approval" in refused.value.message
    response = as_user(world.regulator).post(f"/briefings/{b.pk}/transition/", {"name": "issue"}, follow=True)
    assert response.status_code == 200
    assert any("签发" in str(m) or "Issue" in str(m) for m in response.context["messages"])
    b.refresh_from_db()
    assert b.status == "submitted" and b.serial is None
    assert not AuditEntry.objects.filter(action="briefing.issue").exists()


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_refuses_to_issue_without_recipients_and_lets_only_the_leader_approve(world: Any) -> None:
    b = county.draft(world)
    actions.do_fire_briefing(b, "submit", acting_user=world.regulator)
    with pytest.raises(TransitionError):
        actions.do_fire_briefing(b, "approve", acting_user=world.regulator)
    actions.do_fire_briefing(b, "approve", acting_user=world.leader)
    b.refresh_from_db()
    assert b.status == "approved" and b.approved_by_name == "县领导"
    with pytest.raises(TransitionError):
        actions.do_issue_briefing(b, acting_user=world.regulator)
    assert Briefing.objects.get(pk=b.pk).serial is None


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_edits_a_draft_section_audited_and_refuses_after_submission(world: Any, as_user: Any) -> None:
    b = county.draft(world)
    s = b.sections.get(key="tasks")
    r = as_user(world.regulator).post(f"/briefings/{b.pk}/sections/{s.pk}/", {"text": "**重点**<script>x</script>"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.text == "**重点**<script>x</script>"
    entry = AuditEntry.objects.get(action="briefing.edit_section", object_id=str(s.pk))
    assert entry.after == {"text": s.text}
    page = as_user(world.regulator).get(f"/briefings/{b.pk}/").content.decode()
    assert "<strong>重点</strong>&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    actions.do_fire_briefing(b, "submit", acting_user=world.regulator)
    with pytest.raises(ValidationError):
        actions.do_edit_section(s, text="改", acting_user=world.regulator)
    assert as_user(world.officer).post(f"/briefings/{b.pk}/sections/{s.pk}/", {"text": "x"}).status_code == 404


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_records_a_read_receipt_for_a_recipient_unit_and_shows_it_to_the_office(world: Any, as_user: Any) -> None:
    b = county.issued(world)
    assert as_user(world.township).get(f"/briefings/{b.pk}/").status_code == 200  # a reader, not a recipient
    assert as_user(world.officer).get(f"/briefings/{b.pk}/").status_code == 200
    as_user(world.officer).get(f"/briefings/{b.pk}/")
    receipt = ReadReceipt.objects.get(briefing=b)
    assert receipt.user == world.officer and receipt.unit == world.bureau
    assert AuditEntry.objects.filter(action="briefing.read", object_id=str(b.pk)).count() == 1
    page = as_user(world.regulator).get(f"/briefings/{b.pk}/").content.decode()
    assert "环保局联络员" in page and 'id="receipts"' in page


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_hides_drafts_from_readers_and_everything_from_other_parks(world: Any, as_user: Any) -> None:
    b = county.draft(world)
    for user in (world.officer, world.outsider, world.ent_a):
        assert as_user(user).get(f"/briefings/{b.pk}/").status_code == 404
    issued = county.issued(world)
    assert as_user(world.outsider).get(f"/briefings/{issued.pk}/").status_code == 404
    assert as_user(world.ent_a).get(f"/briefings/{issued.pk}/").status_code == 404
    found = as_user(world.regulator).get("/briefings/", {"q": "第1期"}).content.decode()
    assert issued.title in found
    assert as_user(world.regulator).get("/briefings/", {"q": "没有这样的"}).content.decode().count("/briefings/") < \
        found.count("/briefings/")
