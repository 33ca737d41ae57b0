"""Decisions become assignments on approval, run on the ladder, show their live status, carry over."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from qingyuan.core.models import AuditEntry
from qingyuan.core.workflow import TransitionError
from qingyuan.meetings import actions, minutes, render, status
from qingyuan.meetings.choices import DecisionState, ItemKind, MinutesStatus
from qingyuan.meetings.models import Decision, Meeting, ReviewEntry
from qingyuan.meetings.tests.factory import at, held_with_decisions, meeting
from qingyuan.tasks import actions as task_actions
from qingyuan.tasks import escalation
from qingyuan.tasks.choices import EscalationLevel
from qingyuan.tasks.models import Assignment

pytestmark = pytest.mark.django_db


def _approve(world, m: Meeting) -> list[Assignment]:
    minutes.do_fire_minutes(m, "submit", acting_user=world.regulator)
    return minutes.do_approve_minutes(Meeting.objects.get(pk=m.pk), acting_user=world.leader)


def test_it_refuses_a_decision_without_unit_or_deadline_naming_it(world):
    m = meeting(world)
    actions.do_fire_meeting(m, "hold", acting_user=world.regulator)
    item = actions.do_add_item(m, title="议题一", acting_user=world.regulator)
    with pytest.raises(ValidationError) as caught:
        minutes.do_record_decision(item, text="尽快完成雨污分流改造", responsible_unit=None, deadline=None,
                                   acting_user=world.regulator)
    errors = caught.value.message_dict
    assert "尽快完成雨污分流改造" in errors["responsible_unit"][0] and "1" in errors["responsible_unit"][0]
    assert "尽快完成雨污分流改造" in errors["deadline"][0]
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action="meeting.decision").exists()


def test_it_opens_one_assignment_per_decision_on_approval_each_linked_and_audited(world):
    with time_machine.travel(at("2026-03-10", 15), tick=False):
        m = held_with_decisions(world, 3)
        opened = _approve(world, m)
    assert len(opened) == 3 == Assignment.objects.count()
    m.refresh_from_db()
    assert m.minutes_status == MinutesStatus.APPROVED and m.approved_by_name == "县领导"
    ct = ContentType.objects.get_for_model(Decision)
    for d in m.decisions.select_related("assignment"):
        a = d.assignment
        assert a is not None and a.source_type == ct and a.source_id == str(d.pk)
        assert a.source_url() == d.get_absolute_url()
        assert a.assignee_unit_id == d.responsible_unit_id and a.deadline == d.deadline
        assert a.issued_on == dt.date(2026, 3, 10) and a.issued_by == world.leader
        assert d.text in a.requirements and "通过现场核查" in a.requirements
        assert AuditEntry.objects.filter(action="assignment.issue", object_id=str(a.pk), related_id=str(d.pk)).exists()
        assert AuditEntry.objects.filter(action="meeting.decision_assigned", object_id=str(d.pk)).exists()
    assert AuditEntry.objects.filter(action="minutes.approve", object_id=str(m.pk)).count() == 1
    assert {a.assignee_unit for a in opened} == {world.bureau, world.township_unit}
    # the units see them in their work lists
    assert Assignment.objects.visible_to(world.officer).filter(assignee_unit=world.bureau).count() == 2


def test_it_refuses_approval_with_a_passed_deadline_naming_the_decision_and_opens_nothing(world):
    with time_machine.travel(at("2026-05-10", 15), tick=False):
        m = held_with_decisions(world, 2, deadline=dt.date(2026, 5, 1), day="2026-05-09")
        with pytest.raises(TransitionError) as caught:
            _approve(world, m)
    assert "第1项" in caught.value.message and "2026-05-01" in caught.value.message
    assert not Assignment.objects.exists()
    assert Meeting.objects.get(pk=m.pk).minutes_status == MinutesStatus.SUBMITTED


def test_its_decisions_escalate_on_the_ladder_and_show_their_live_status(world):
    with time_machine.travel(at("2026-03-10", 15), tick=False):
        m = held_with_decisions(world, 2, deadline=dt.date(2026, 3, 31))
        first, second = _approve(world, m)
        task_actions.do_sign_assignment(first, acting_user=world.officer)
        task_actions.do_submit_assignment(Assignment.objects.get(pk=first.pk), acting_user=world.officer,
                                          text="已完成")
        task_actions.do_verify_assignment(Assignment.objects.get(pk=first.pk), acting_user=world.regulator,
                                          accept=True, reason="核查到位")
    decisions = list(m.decisions.select_related("assignment"))
    assert [status.state_of(d, dt.date(2026, 3, 20)) for d in decisions] == [DecisionState.DONE,
                                                                             DecisionState.ON_TRACK]
    with time_machine.travel(at("2026-04-02", 1), tick=False):
        while escalation.handle_one_escalation():
            pass
        a = Assignment.objects.get(pk=second.pk)
        assert a.escalation_level == EscalationLevel.URGED
        assert status.state_of(Decision.objects.select_related("assignment").get(pk=decisions[1].pk),
                               dt.date(2026, 4, 2)) == DecisionState.OVERDUE
    with time_machine.travel(at("2026-04-12", 1), tick=False):
        while escalation.handle_one_escalation():
            pass
    a = Assignment.objects.get(pk=second.pk)
    assert a.escalation_level == EscalationLevel.LISTED
    assert AuditEntry.objects.filter(object_id=str(a.pk), action__startswith="assignment.escalat").exists()
    d = Decision.objects.select_related("assignment").get(pk=decisions[1].pk)
    assert status.state_of(d, dt.date(2026, 4, 12)) == DecisionState.ESCALATED
    assert Assignment.objects.get(pk=first.pk).escalation_level == EscalationLevel.NONE


def test_it_carries_every_open_decision_over_to_the_next_meeting_once(world):
    with time_machine.travel(at("2026-03-10", 15), tick=False):
        m = held_with_decisions(world, 2)
        first, _second = _approve(world, m)
        task_actions.do_withdraw_assignment(first, acting_user=world.regulator, reason="不再需要")
    with time_machine.travel(at("2026-04-01", 9), tick=False):
        nxt = meeting(world, day="2026-04-10", title="领导小组第二次会议")
        item = minutes.do_carry_over(nxt, acting_user=world.regulator)
        again = minutes.do_carry_over(nxt, acting_user=world.regulator)
    assert item.pk == again.pk and item.kind == ItemKind.REVIEW and item.order == 0
    entries = list(ReviewEntry.objects.filter(item=item))
    assert [e.decision.serial for e in entries] == [2] and entries[0].state_then == DecisionState.ON_TRACK
    assert nxt.items.count() == 1


def test_it_writes_the_decisions_table_into_the_docx(world):
    from docx import Document

    with time_machine.travel(at("2026-03-10", 15), tick=False):
        m = held_with_decisions(world, 2)
        d = m.decisions.first()
        d.co_units.add(world.office)
        _approve(world, m)
        minutes.do_issue_minutes(Meeting.objects.get(pk=m.pk), acting_user=world.regulator)
    doc = Document(io.BytesIO(render.docx(Meeting.objects.get(pk=m.pk))))
    table = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert len(rows) == 3
    assert rows[1] == ["1", "第1项：限期完成整改并报送佐证材料", "县环保局", "园区整治办", "2026-04-30", "通过现场核查"]
    assert rows[2][2] == "临江镇"
    assert any("纪要〔2026〕第1号" in p.text for p in doc.paragraphs)
