"""The one ``access_park`` and the shared park-scoped queryset (issue 15, join 7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from qingyuan.enterprises.access import access_enterprise, access_point, access_point_by_mn
from qingyuan.enterprises.models import Enterprise, MonitoringPoint
from qingyuan.org.access import access_park, visible_parks
from qingyuan.org.models import Park

pytestmark = pytest.mark.django_db


def test_it_gives_a_park_to_anyone_with_a_role_in_it(world):
    assert access_park(world.regulator, world.park.pk) == world.park
    assert access_park(world.ent_a, world.park.pk) == world.park  # an enterprise user reads its park
    with pytest.raises(Http404):
        access_park(world.outsider, world.park.pk)
    with pytest.raises(Http404):
        access_park(None, world.park.pk)


def test_it_keeps_park_wide_pages_from_enterprise_users(world):
    assert access_park(world.officer, world.park.pk, park_wide=True) == world.park
    with pytest.raises(Http404):
        access_park(world.ent_a, world.park.pk, park_wide=True)
    assert list(visible_parks(world.ent_a, park_wide=True)) == []
    assert list(visible_parks(world.ent_a)) == [world.park]


def test_it_picks_the_first_park_when_none_is_named_and_404s_on_a_bad_id(world):
    assert access_park(world.outsider, None, park_wide=True) == world.other_park
    assert access_park(world.regulator, "") == world.park
    with pytest.raises(Http404):
        access_park(world.ent_a, None, park_wide=True)
    with pytest.raises(Http404):
        access_park(world.regulator, "abc")


def test_it_scopes_enterprises_and_points_by_park_and_account(world):
    assert set(Enterprise.objects.visible_to(world.regulator)) == {world.enterprise_a, world.enterprise_b}
    assert list(Enterprise.objects.visible_to(world.ent_a)) == [world.enterprise_a]
    assert list(Enterprise.objects.visible_to(world.outsider)) == []
    assert list(MonitoringPoint.objects.visible_to(world.ent_b)) == [world.point_b]
    assert Park.objects.visible_to(None).count() == 0


def test_it_lets_only_the_park_managers_change_a_point(world):
    assert access_point(world.regulator, world.point_a.pk, for_write=True) == world.point_a
    assert access_point(world.officer, world.point_a.pk) == world.point_a
    with pytest.raises(PermissionDenied):
        access_point(world.officer, world.point_a.pk, for_write=True)
    with pytest.raises(Http404):
        access_point(world.ent_b, world.point_a.pk)
    assert access_point_by_mn(world.ent_a, world.point_a.mn) == world.point_a
    with pytest.raises(Http404):
        access_point_by_mn(world.ent_a, world.point_b.mn)


def test_it_lets_the_linked_unit_edit_an_enterprise_but_not_another_enterprise_read_it(world):
    assert access_enterprise(world.officer, world.enterprise_a.pk, for_write=True) == world.enterprise_a
    with pytest.raises(PermissionDenied):
        access_enterprise(world.ent_a, world.enterprise_a.pk, for_write=True)
    with pytest.raises(Http404):
        access_enterprise(world.ent_a, world.enterprise_b.pk)
