"""The demo county has assignments in every state and at every escalation level, seeded idempotently."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from qingyuan.demo import data
from qingyuan.demo.seed import Seeder
from qingyuan.tasks import demo
from qingyuan.tasks.choices import AssignmentStatus, EscalationLevel
from qingyuan.tasks.models import Assignment, EscalationEvent, ExtensionRequest, SupervisionCheck
from qingyuan.tasks.services import work_items


@pytest.fixture
def county(db):
    """The demo county's park, units, people and enterprises, then our demo on top.

    Built from the seeder's own steps rather than ``seed_demo`` so that this app's demo is
    tested on its own (the full command is tested in qingyuan/demo).
    """
    seeder = Seeder(log=lambda line: None)
    seeder.park = seeder._park()
    seeder._units()
    seeder.users = {u[0]: seeder._account(*u) for u in data.ACCOUNTS}
    seeder._enterprises()
    seeder._enterprise_accounts()
    demo.seed(seeder)
    return seeder


def test_it_seeds_every_state_and_level_idempotently(county):
    counts = Assignment.objects.count(), EscalationEvent.objects.count(), SupervisionCheck.objects.count()
    demo.seed(county)
    assert (Assignment.objects.count(), EscalationEvent.objects.count(), SupervisionCheck.objects.count()) == counts
    assert 24 <= counts[0] <= 30
    assert set(Assignment.objects.values_list("status", flat=True)) == set(AssignmentStatus.values)
    open_levels = set(Assignment.objects.open().values_list("escalation_level", flat=True))
    assert open_levels == set(EscalationLevel.values)
    assert set(ExtensionRequest.objects.values_list("status", flat=True)) >= {"pending", "approved", "refused"}
    assert Assignment.objects.filter(source_type__model="finding").exists()
    assert Assignment.objects.values("assignee_unit").distinct().count() >= 8
    for username in ("epb", "township", "office", "leader"):
        assert work_items(get_user_model().objects.get(username=username)), username


def test_every_demo_account_opens_the_assignment_pages(county):
    any_one = Assignment.objects.filter(assignee_unit__short_name="县环保局").first()
    for username, *_ in data.ACCOUNTS:
        client = Client()
        client.post("/login/", {"username": username, "password": data.PASSWORD})
        assert client.get("/tasks/").status_code == 200, username
        assert client.get("/tasks/listed/").status_code == 200, username
        expected = 404 if username in ("township", "ent2", "expert", "finance") else 200
        if username == "ent1":
            expected = 200 if any_one.enterprise and any_one.enterprise.name == data.ENTERPRISE_OF["ent1"] else 404
        assert client.get(f"/tasks/{any_one.pk}/").status_code == expected, username
