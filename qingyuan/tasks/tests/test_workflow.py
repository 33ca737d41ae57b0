"""Every transition × every state × every persona through the detail page's action URL.

Allowed: the status moves to the expected target, one transition record and the audit
entry are written. Refused: the answer gives the reason (or 404 for those who may not
see the assignment) and nothing changes.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.tasks import actions
from qingyuan.tasks.models import Assignment, ExtensionRequest
from qingyuan.tasks.tests.conftest import in_state
from qingyuan.tasks.workflow import ASSIGNMENTS

ISSUERS = {"regulator", "leader"}
ASSIGNEES = {"officer"}
READERS = {"ent_a", "inspector", "supervisor"}   # see the assignment, may not act on it
HIDDEN = {"township", "ent_b", "outsider"}        # another unit, another enterprise, another park: 404
PERSONAS = sorted(ISSUERS | ASSIGNEES | READERS | HIDDEN)
STATES = ["issued", "in_progress", "returned", "submitted", "completed", "withdrawn"]

# (state, transition) → (who may, target state). Anything not listed is refused for everyone.
TABLE = {
    ("issued", "sign"): (ASSIGNEES, "in_progress"),
    ("issued", "return"): (ASSIGNEES, "returned"),
    ("issued", "withdraw"): (ISSUERS, "withdrawn"),
    ("in_progress", "report_progress"): (ASSIGNEES, "in_progress"),
    ("in_progress", "request_extension"): (ASSIGNEES, "in_progress"),
    ("in_progress", "approve_extension"): (ISSUERS, "in_progress"),
    ("in_progress", "refuse_extension"): (ISSUERS, "in_progress"),
    ("in_progress", "return"): (ASSIGNEES, "returned"),
    ("in_progress", "submit"): (ASSIGNEES, "submitted"),
    ("in_progress", "withdraw"): (ISSUERS, "withdrawn"),
    ("returned", "reassign"): (ISSUERS, "issued"),
    ("returned", "withdraw"): (ISSUERS, "withdrawn"),
    ("submitted", "accept"): (ISSUERS, "completed"),
    ("submitted", "send_back"): (ISSUERS, "in_progress"),
    ("submitted", "withdraw"): (ISSUERS, "withdrawn"),
}
TRANSITIONS = [t.name for t in ASSIGNMENTS.transitions]


def payload(world, name):
    later = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    return {
        "sign": {"reason": ""},
        "report_progress": {"percent": 50, "text": "设备已进场安装"},
        "request_extension": {"new_deadline": later, "reason": "设备供货延迟"},
        "approve_extension": {"reason": ""},
        "refuse_extension": {"reason": "省督办事项不得延期"},
        "return": {"unit": world.township_unit.pk, "reason": "属地管理事项"},
        "reassign": {"unit": world.township_unit.pk, "reason": "按属地原则改交"},
        "submit": {"text": "已完成整改，附监测报告"},
        "accept": {"reason": "核查属实"},
        "send_back": {"reason": "佐证材料不全"},
        "withdraw": {"reason": "问题已解决"},
    }[name]


def test_the_table_covers_the_declared_workflow():
    declared = {(s, t.name) for t in ASSIGNMENTS.transitions for s in t.sources}
    assert declared == set(TABLE)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", TRANSITIONS)
@pytest.mark.parametrize("state", STATES)
def test_it_applies_the_rules_for_every_persona(world, as_user, persona, name, state):
    a = in_state(world, state)
    if name in ("approve_extension", "refuse_extension") and state == "in_progress":
        actions.do_request_extension(a, acting_user=world.officer, reason="工期紧",
                                     new_deadline=a.deadline + dt.timedelta(days=10))
    records, entries = TransitionRecord.objects.count(), AuditEntry.objects.count()
    user = getattr(world, persona)
    response = as_user(user).post(f"/tasks/{a.pk}/do/{name}/", payload(world, name))
    after = Assignment.objects.get(pk=a.pk)
    who, target = TABLE.get((state, name), (set(), None))
    if persona in who:
        assert response.status_code == 302 and response["Location"] == f"/tasks/{a.pk}/"
        assert after.status == target
        record = TransitionRecord.objects.order_by("-id").first()
        assert (record.transition, record.from_state, record.to_state) == (name, state, target)
        assert AuditEntry.objects.filter(action=f"assignment.{name}", user=user, object_id=str(a.pk)).exists()
        return
    if persona in HIDDEN:
        assert response.status_code == 404
    else:
        page = " ".join(str(m) for m in get_messages(response.wsgi_request))
        assert response.status_code == 302
        label = str(ASSIGNMENTS.get(name).label)
        assert (f"当前状态为“{after.get_status_display()}”，不能执行“{label}”" in page
                or f"您的角色无权执行“{label}”" in page
                or "没有待审批的延期申请" in page), page
    assert after.status == state
    assert (after.deadline, after.progress, after.assignee_unit_id) == (a.deadline, a.progress, a.assignee_unit_id)
    assert TransitionRecord.objects.count() == records
    assert AuditEntry.objects.count() == entries


def test_it_refuses_the_second_of_two_concurrent_actions(world):
    a = in_state(world, "submitted")
    stale = Assignment.objects.get(pk=a.pk)
    actions.do_verify_assignment(a, acting_user=world.regulator, accept=True)
    with pytest.raises(actions.TransitionError) as exc:
        actions.do_verify_assignment(stale, acting_user=world.leader, accept=False, reason="退回")
    assert exc.value.code == "conflict"
    assert Assignment.objects.get(pk=a.pk).status == "completed"


def test_it_allows_one_pending_extension_at_a_time(world, as_user):
    a = in_state(world, "in_progress")
    client = as_user(world.officer)
    client.post(f"/tasks/{a.pk}/do/request_extension/", payload(world, "request_extension"))
    page = client.post(f"/tasks/{a.pk}/do/request_extension/", payload(world, "request_extension"),
                       follow=True).content.decode()
    assert "已有一项延期申请正在等待审批" in page
    assert ExtensionRequest.objects.filter(assignment=a).count() == 1
