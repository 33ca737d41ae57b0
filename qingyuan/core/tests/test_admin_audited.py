"""Every admin that can write is audited, inline rows included (issue 15, join 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from qingyuan.core.admin import AuditedAdmin
from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import Permit, PermitLimit


def _writable(model_admin: Any, request: Any, obj: Any) -> bool:
    return bool(model_admin.has_add_permission(request) if not hasattr(model_admin, "parent_model")
                else model_admin.has_add_permission(request, obj)) or bool(
        model_admin.has_change_permission(request, obj)) or bool(model_admin.has_delete_permission(request, obj))


def test_it_finds_no_admin_or_inline_that_writes_without_audit(db):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    unaudited, inlines = [], 0
    for model, model_admin in admin.site._registry.items():
        obj = model()
        writable = _writable(model_admin, request, obj)
        for inline in model_admin.get_inline_instances(request, obj):
            inlines += 1
            if _writable(inline, request, obj):
                writable = True
        if writable and not isinstance(model_admin, AuditedAdmin):
            unaudited.append(model._meta.label)
    assert unaudited == []
    assert inlines >= 3  # the walk reached the permit limits and the inspections' read-only inlines
    assert isinstance(admin.site._registry[Permit], AuditedAdmin)


def _form_data(response: Any) -> dict[str, Any]:
    """The change form's fields and inline formsets as the browser would post them back."""
    data: dict[str, Any] = {}

    def put(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        put(inline.formset.management_form)
        for form in inline.formset.forms:
            put(form)
    return data


def test_it_audits_permit_limits_changed_added_and_deleted_in_the_inline(world, client):
    root = get_user_model().objects.create_superuser("root", password="root-pass-long-1")
    client.force_login(root)
    permit = Permit.objects.create(enterprise=world.enterprise_a, number="91320000-001", issuer="市生态环境局",
                                   valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31))
    cod = PermitLimit.objects.create(permit=permit, pollutant_code="w01018", concentration_limit=Decimal("100"),
                                     unit="mg/L", annual_load_t=Decimal("12"))
    nh3 = PermitLimit.objects.create(permit=permit, pollutant_code="w21003", concentration_limit=Decimal("15"),
                                     unit="mg/L")
    url = f"/admin/enterprises/permit/{permit.pk}/change/"
    data = _form_data(client.get(url))
    prefix = "limits"
    index = {data[f"{prefix}-{i}-id"]: i for i in range(int(data[f"{prefix}-TOTAL_FORMS"]))}
    data[f"{prefix}-{index[str(cod.pk)]}-concentration_limit"] = "80"
    data[f"{prefix}-{index[str(nh3.pk)]}-DELETE"] = "on"
    new = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(new + 1)
    data.update({f"{prefix}-{new}-pollutant_code": "w21011", f"{prefix}-{new}-concentration_limit": "0.5",
                 f"{prefix}-{new}-unit": "mg/L", f"{prefix}-{new}-permit": str(permit.pk)})

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert PermitLimit.objects.get(pk=cod.pk).concentration_limit == Decimal("80")
    assert not PermitLimit.objects.filter(pk=nh3.pk).exists()
    added = PermitLimit.objects.get(permit=permit, pollutant_code="w21011")
    entries = {e.action: e for e in AuditEntry.objects.filter(action__startswith="permitlimit.")}
    assert set(entries) == {"permitlimit.update", "permitlimit.delete", "permitlimit.create"}
    update = entries["permitlimit.update"]
    assert (update.object_id, update.before, update.after) == (
        str(cod.pk), {"concentration_limit": "100.0000"}, {"concentration_limit": "80"})
    assert entries["permitlimit.delete"].object_id == str(nh3.pk)
    assert entries["permitlimit.delete"].before["pollutant_code"] == "w21003"
    assert entries["permitlimit.create"].object_id == str(added.pk)
    assert entries["permitlimit.create"].after["concentration_limit"] == "0.5"
    for entry in entries.values():
        assert (entry.related_id, entry.related_repr, entry.user, entry.message) == (
            str(permit.pk), "91320000-001", root, "admin")
    assert not AuditEntry.objects.filter(action="permit.update").exists()  # the permit itself did not change


def test_it_writes_no_inline_entry_when_nothing_changed(world, client):
    root = get_user_model().objects.create_superuser("root", password="root-pass-long-1")
    client.force_login(root)
    permit = Permit.objects.create(enterprise=world.enterprise_a, number="91320000-002", issuer="市生态环境局",
                                   valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2029, 12, 31))
    PermitLimit.objects.create(permit=permit, pollutant_code="w01018", concentration_limit=Decimal("100"))
    url = f"/admin/enterprises/permit/{permit.pk}/change/"
    assert client.post(url, _form_data(client.get(url))).status_code == 302
    assert not AuditEntry.objects.filter(action__startswith="permit").exists()


def test_it_audits_a_group_s_permissions_and_a_password_change(world, client):
    from django.contrib.auth.models import Group, Permission

    root = get_user_model().objects.create_superuser("root", password="root-pass-long-1")
    client.force_login(root)
    perm = Permission.objects.get(codename="view_permit")
    assert client.post("/admin/auth/group/add/", {"name": "审核员", "permissions": [perm.pk]}).status_code == 302
    group = Group.objects.get(name="审核员")
    assert AuditEntry.objects.get(action="group.create").after == {"id": group.pk, "name": "审核员"}
    assert AuditEntry.objects.get(action="group.update").after == {"permissions": [perm.pk]}
    response = client.post(f"/admin/auth/user/{world.officer.pk}/password/",
                           {"password1": "New-pass-long-2026", "password2": "New-pass-long-2026"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.set_password")
    assert entry.object_id == str(world.officer.pk) and entry.user == root
    assert "password" not in str(entry.before) + str(entry.after)


def test_it_names_the_system_as_the_actor_of_a_system_entry_on_the_audit_page(world, client):
    from qingyuan.core import audit

    root = get_user_model().objects.create_superuser("root", password="root-pass-long-1")
    client.force_login(root)
    audit.record_many("loads.alert", [world.enterprise_a], acting_user=None)
    audit.record("enterprise.update", world.enterprise_b, acting_user=world.regulator)
    response = client.get("/admin/core/auditentry/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    rows = {tr.split("loads.alert")[0][-400:]: "loads.alert" for tr in response.content.decode().split("<tr")
            if "loads.alert" in tr}
    assert rows and all("系统" in row for row in rows)
    assert "整治办干部" in response.content.decode()
