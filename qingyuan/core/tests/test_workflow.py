import datetime as dt

import pytest
from django.db import models

from qingyuan.core import workflow
from qingyuan.core.models import AuditEntry, TransitionRecord
from qingyuan.core.workflow import TransitionError, Workflow, transition
from qingyuan.enterprises.lifecycle import LIFECYCLE
from qingyuan.enterprises.models import Enterprise


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


def test_it_refuses_a_workflow_naming_unknown_states():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("w", Light, [transition("go", {"red"}, "blue", roles={"a"})])


def test_it_explains_why_a_transition_is_refused():
    wf = Workflow("w", Light, [transition("go", {"red"}, "green", roles={"driver"}, reason=True, date=True)])
    cases = [
        (("green", "go", {"driver"}), {"reason": "r", "effective_date": dt.date.today()}, "state"),
        (("red", "go", {"walker"}), {"reason": "r", "effective_date": dt.date.today()}, "role"),
        (("red", "go", {"driver"}), {"reason": "  ", "effective_date": dt.date.today()}, "reason"),
        (("red", "go", {"driver"}), {"reason": "r"}, "date"),
        (("red", "fly", {"driver"}), {}, "unknown"),
    ]
    for args, kwargs, code in cases:
        with pytest.raises(TransitionError) as exc:
            wf.check(*args, **kwargs)
        assert exc.value.code == code


def test_it_moves_state_and_records_transition_and_audit(world):
    e = world.enterprise_a
    record = workflow.fire(LIFECYCLE, e, "suspend", roles={"office_staff"}, acting_user=world.regulator,
                           reason="超标", effective_date=dt.date(2026, 5, 1))
    assert Enterprise.objects.get(pk=e.pk).status == "suspended"
    assert (record.from_state, record.to_state, record.reason) == ("operating", "suspended", "超标")
    assert TransitionRecord.objects.count() == 1
    entry = AuditEntry.objects.get(action="enterprise.suspend")
    assert entry.before == {"status": "operating"} and entry.after["status"] == "suspended"


def test_it_refuses_a_transition_when_the_state_changed_meanwhile(world):
    stale = Enterprise.objects.get(pk=world.enterprise_a.pk)
    workflow.fire(LIFECYCLE, world.enterprise_a, "suspend", roles={"office_staff"}, acting_user=world.regulator,
                  reason="a", effective_date=dt.date(2026, 5, 1))
    with pytest.raises(TransitionError) as exc:
        workflow.fire(LIFECYCLE, stale, "close", roles={"office_staff"}, acting_user=world.leader,
                      reason="b", effective_date=dt.date(2026, 5, 2))
    assert exc.value.code == "conflict"
    assert Enterprise.objects.get(pk=stale.pk).status == "suspended"
    assert TransitionRecord.objects.count() == 1
