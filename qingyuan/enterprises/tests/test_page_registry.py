"""The enterprise page's sections come from the apps above enterprises, through a registry (issue 15, join 4)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from qingyuan.enterprises import page

pytestmark = pytest.mark.django_db


def test_it_gathers_every_apps_section_without_enterprises_importing_them(world):
    context = page.sections(world.enterprise_a, world.regulator, timezone.localdate())
    assert {"alarms", "exceeding", "assignments", "overdue", "complaints", "patrols", "sees_patrols", "plans",
            "loads", "points_now", "limit_rows", "charts", "declarations", "closure_case",
            "can_open_closure"} <= set(context)
    assert context["can_open_closure"] is True and context["closure_case"] is None


def test_it_scopes_each_section_by_the_reader(world):
    context = page.sections(world.enterprise_a, world.ent_a, timezone.localdate())
    assert context["can_open_closure"] is False  # an enterprise user opens no closure case
    assert context["sees_patrols"] is True  # its own patrols, without the inspectors' notes


def test_it_links_to_where_a_closure_is_handled(world):
    assert page.link("closure", world.enterprise_a) == reverse("closures:open", args=[world.enterprise_a.pk])
    assert page.link("no-such-link", world.enterprise_a) is None
