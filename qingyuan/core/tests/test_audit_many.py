"""``audit.record_many`` and ``core.bulk``: a batch of entries in one statement, shaped as ``record`` shapes one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qingyuan.core import audit, bulk
from qingyuan.core.context import reset_request_id, set_request_id
from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.choices import Medium
from qingyuan.enterprises.models import Enterprise, Outlet

SHAPE = ("user_id", "user_name", "request_id", "action", "object_type_id", "object_id", "object_repr",
         "related_type_id", "related_id", "related_repr", "before", "after", "message")


def shape(entries):
    return [tuple(getattr(e, name) for name in SHAPE) for e in entries]


def inserts_into(queries, table):
    return [q["sql"] for q in queries if q["sql"].startswith("INSERT") and table in q["sql"]]


def test_it_writes_the_entries_record_writes_in_one_insert(world):
    objects = [world.enterprise_a, world.enterprise_b, world.point_a.outlet]
    token = set_request_id("req-many-0001")
    try:
        singles = [audit.record("x.touch", o, acting_user=world.regulator, before={"n": 1}, after={"n": 2},
                                related=world.park, message="批量") for o in objects]
        mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        with CaptureQueriesContext(connection) as ctx:
            written = audit.record_many("x.touch", objects, acting_user=world.regulator, before={"n": 1},
                                        after={"n": 2}, related=world.park, message="批量")
    finally:
        reset_request_id(token)
    assert written == 3
    assert len(inserts_into(ctx.captured_queries, AuditEntry._meta.db_table)) == 1
    many = list(AuditEntry.objects.filter(id__gt=mark).order_by("id"))
    assert shape(many) == shape(singles)
    assert many[0].user_name == "整治办干部" and many[0].request_id == "req-many-0001"
    assert len({e.time for e in many}) == 1


def test_it_writes_a_system_entry_with_no_user(world):
    audit.record_many("x.system", [world.enterprise_a], acting_user=None)
    entry = AuditEntry.objects.get(action="x.system")
    assert entry.user is None and entry.user_name == ""
    assert entry.object_repr == "甲化工有限公司" and entry.related_id == "" and entry.before is None
    assert abs((timezone.now() - entry.time).total_seconds()) < 60


def test_it_takes_per_object_entries_and_refs_without_loading_them(world):
    a, b = world.enterprise_a, world.enterprise_b
    audit.record_many("x.each", [
        audit.Entry(audit.Ref(Enterprise, a.pk, "甲（批量）"), before={"v": 1}, after={"v": 2}, message="一"),
        audit.Entry(b, after={"v": 3}, related=audit.Ref(Enterprise, a.pk, "甲"), message="二"),
    ], acting_user=world.officer, message="shared, replaced by each entry's own")
    first, second = AuditEntry.objects.filter(action="x.each").order_by("id")
    assert (first.object_id, first.object_repr, first.before, first.after, first.message) == (
        str(a.pk), "甲（批量）", {"v": 1}, {"v": 2}, "一")
    assert (second.object_id, second.related_id, second.related_repr, second.before, second.message) == (
        str(b.pk), str(a.pk), "甲", None, "二")
    assert audit.trail(a).filter(action="x.each").count() == 2


def test_it_writes_nothing_for_an_empty_batch(world):
    with CaptureQueriesContext(connection) as ctx:
        assert audit.record_many("x.none", [], acting_user=None) == 0
    assert not inserts_into(ctx.captured_queries, AuditEntry._meta.db_table)


def test_it_splits_a_large_batch_into_statements_under_the_parameter_limit(world):
    objects = [world.enterprise_a] * 1201
    with CaptureQueriesContext(connection) as ctx:
        assert audit.record_many("x.large", objects, acting_user=None) == 1201
    assert len(inserts_into(ctx.captured_queries, AuditEntry._meta.db_table)) == 3
    assert AuditEntry.objects.filter(action="x.large").count() == 1201


def test_create_writes_rows_and_one_entry_each(world):
    outlets = [Outlet(enterprise=world.enterprise_b, medium=Medium.WATER, code=f"DW10{i}", name=f"排口{i}")
               for i in range(3)]
    made = bulk.create(outlets, action="outlet.create", acting_user=world.regulator, related=world.enterprise_b)
    assert all(o.pk for o in made)
    entries = list(AuditEntry.objects.filter(action="outlet.create").order_by("id"))
    assert [e.object_id for e in entries] == [str(o.pk) for o in made]
    assert entries[0].after == audit.snapshot(Outlet.objects.get(pk=made[0].pk))
    assert {e.related_id for e in entries} == {str(world.enterprise_b.pk)}


def test_create_writes_nothing_when_the_entries_fail(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(audit, "record_many", broken)
    before = Outlet.objects.count()
    with pytest.raises(RuntimeError):
        bulk.create([Outlet(enterprise=world.enterprise_b, medium=Medium.WATER, code="DW201", name="排口")],
                    action="outlet.create", acting_user=world.regulator)
    assert Outlet.objects.count() == before


def test_insert_writes_rows_and_their_entries_together(world, monkeypatch):
    from qingyuan.core.models import Notification

    rows = [{"recipient_id": world.officer.pk, "kind": "x", "title": f"t{i}", "body": "", "url": "",
             "created_at": timezone.now(), "read_at": None} for i in range(2)]
    assert bulk.insert(Notification, rows, action="x.notified", acting_user=None,
                       entries=[world.enterprise_a, world.enterprise_b]) == 2
    assert Notification.objects.filter(kind="x").count() == 2
    assert AuditEntry.objects.filter(action="x.notified").count() == 2
    monkeypatch.setattr(audit, "record_many", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        bulk.insert(Notification, rows, action="x.notified", acting_user=None, entries=[world.enterprise_a])
    assert Notification.objects.filter(kind="x").count() == 2


def test_insert_refuses_a_field_name_that_is_not_a_column(world):
    with pytest.raises(ValueError, match="attnames"):
        bulk.insert(AuditEntry, [{"object_type": 1}])
