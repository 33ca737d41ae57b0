"""The setup commands the system queues on a logger's first connection are audited (issue 15, join 5)."""

from __future__ import annotations

from qingyuan.core.models import AuditEntry
from qingyuan.monitoring.models import DeviceCommand

from .test_setup import SETUP_CNS, connect


def test_it_audits_each_queued_setup_command_as_the_system_once(world):
    connect(world.point_a, 101)
    connect(world.point_a, 102)  # a reconnect queues nothing, so writes no entry

    commands = list(DeviceCommand.objects.filter(point=world.point_a, setup=True).order_by("id"))
    entries = list(AuditEntry.objects.filter(action="device_command.queue").order_by("id"))
    assert [e.object_id for e in entries] == [str(c.pk) for c in commands] and len(entries) == len(SETUP_CNS)
    for entry, command in zip(entries, commands, strict=True):
        assert (entry.user, entry.user_name, entry.related_id, entry.message) == (
            None, "", str(world.point_a.pk), "setup")
        assert entry.after["kind"] == command.kind and entry.after["qn"] == command.qn
        assert entry.after["mn"] == world.point_a.mn and entry.after["setup"] is True
    assert "password" not in str([e.after for e in entries]).lower()
