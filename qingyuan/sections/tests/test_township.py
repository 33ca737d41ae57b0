"""A section's township along the river (for the assessment): set through the audited update action, in the
admin too, limited to townships of the section's park."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from qingyuan.core.models import AuditEntry
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.sections.actions import do_update_section
from qingyuan.sections.models import Section


def test_it_links_a_section_to_its_township_with_an_audit_entry(world: Any, outbound: Section) -> None:
    section = do_update_section(outbound, acting_user=world.regulator, township=world.township_unit)
    assert Section.objects.get(pk=outbound.pk).township == world.township_unit == section.township
    entry = AuditEntry.objects.get(action="section.update")
    assert entry.object_id == str(outbound.pk)
    assert (entry.before, entry.after) == ({"township_id": None}, {"township_id": world.township_unit.pk})
    do_update_section(outbound, acting_user=world.regulator, township=world.township_unit)  # no change: no entry
    assert AuditEntry.objects.filter(action="section.update").count() == 1


def test_it_refuses_a_unit_that_is_not_a_township_of_the_park(world: Any, outbound: Section) -> None:
    elsewhere = Unit.objects.create(park=world.other_park, kind=UnitKind.TOWNSHIP, name="邻县某镇")
    for unit in (world.bureau, elsewhere):
        with pytest.raises(ValidationError) as refused:
            do_update_section(outbound, acting_user=world.regulator, township=unit)
        assert "township" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        do_update_section(outbound, acting_user=world.ent_a, township=world.township_unit)
    assert Section.objects.get(pk=outbound.pk).township is None
    assert not AuditEntry.objects.filter(action="section.update").exists()


def test_it_sets_the_township_from_the_admin_through_the_action(world: Any, outbound: Section, as_user: Any) -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client = as_user(admin)
    url = f"/admin/sections/section/{outbound.pk}/change/"
    form = client.get(url).content.decode()
    assert world.township_unit.name in form and world.bureau.name not in form  # only townships offered
    data = {"park": world.park.pk, "name": outbound.name, "kind": outbound.kind, "river": outbound.river,
            "waterbody": outbound.waterbody, "target_class": outbound.target_class, "longitude": "", "latitude": "",
            "point": "", "township": world.township_unit.pk, "order": outbound.order, "is_active": "on"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Section.objects.get(pk=outbound.pk).township == world.township_unit
    entry = AuditEntry.objects.get(action="section.update")
    assert entry.user_name and entry.after == {"township_id": world.township_unit.pk}
