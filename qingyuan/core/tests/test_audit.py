import pytest

from qingyuan.core import audit
from qingyuan.core.context import reset_request_id, set_request_id
from qingyuan.core.models import AppendOnlyError, AuditEntry


def test_it_records_user_request_id_and_values(world):
    token = set_request_id("req-12345678")
    try:
        entry = audit.record("enterprise.update", world.enterprise_a, acting_user=world.regulator,
                             before={"name": "旧"}, after={"name": "新"}, related=world.park, message="改名")
    finally:
        reset_request_id(token)
    entry.refresh_from_db()
    assert entry.user == world.regulator
    assert entry.user_name == "整治办干部"
    assert entry.request_id == "req-12345678"
    assert (entry.before, entry.after) == ({"name": "旧"}, {"name": "新"})
    assert entry.object_repr == "甲化工有限公司" and entry.related_repr == "测试园区"
    assert list(audit.trail(world.park)) == [entry]


def test_it_keeps_the_copied_user_name_after_the_user_is_deleted(world):
    entry = audit.record("x.y", world.enterprise_a, acting_user=world.township)
    world.township.delete()
    entry.refresh_from_db()
    assert entry.user is None and entry.user_name == "镇联络员"


def test_it_never_updates_or_deletes_entries(world):
    entry = audit.record("x.y", world.enterprise_a, acting_user=world.regulator)
    entry.message = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(message="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).message == ""


def test_it_sets_a_request_id_header_and_uses_it_in_audit(world, as_user):
    response = as_user(world.regulator).post(
        f"/enterprises/{world.enterprise_a.pk}/transition/",
        {"transition": "suspend", "reason": "设施故障", "effective_date": "2026-11-01"},
        HTTP_X_REQUEST_ID="proxy-req-0001",
    )
    assert response["X-Request-ID"] == "proxy-req-0001"
    assert AuditEntry.objects.get(action="enterprise.suspend").request_id == "proxy-req-0001"


def test_update_sets_validates_saves_and_records_only_what_changed(world):
    outlet = world.point_a.outlet
    old_name = outlet.name

    assert audit.update(outlet, {"name": "总排口（改）", "code": outlet.code}, editable=("name", "code"),
                        action="outlet.update", acting_user=world.regulator, related=world.enterprise_a)

    outlet.refresh_from_db()
    entry = AuditEntry.objects.get(action="outlet.update")
    assert outlet.name == "总排口（改）"
    assert (entry.before, entry.after, entry.user) == ({"name": old_name}, {"name": "总排口（改）"}, world.regulator)
    assert entry.related_repr == "甲化工有限公司"
    assert not audit.update(outlet, {"name": "总排口（改）"}, editable=("name",), action="outlet.update",
                            acting_user=world.regulator)
    assert AuditEntry.objects.filter(action="outlet.update").count() == 1  # nothing changed: no entry
    audit.update(outlet, {}, editable=(), action="outlet.touch", acting_user=world.regulator, always=True)
    assert AuditEntry.objects.filter(action="outlet.touch").count() == 1


def test_update_refuses_a_field_outside_editable_and_sets_nothing(world):
    enterprise = world.enterprise_a
    with pytest.raises(ValueError, match="credit_code"):
        audit.update(enterprise, {"name": "x", "credit_code": "y"}, editable=("name",), action="a", acting_user=None)
    assert enterprise.name != "x" and not AuditEntry.objects.exists()


def test_update_saves_nothing_that_does_not_validate(world):
    from django.core.exceptions import ValidationError

    enterprise = world.enterprise_a
    with pytest.raises(ValidationError):
        audit.update(enterprise, {"name": ""}, editable=("name",), action="a", acting_user=None)
    enterprise.refresh_from_db()
    assert enterprise.name and not AuditEntry.objects.exists()
