"""The demo county's plans: every state, idempotent, and what each demo account finds waiting."""

from __future__ import annotations

from qingyuan.demo import data
from qingyuan.enterprises.models import Enterprise
from qingyuan.plans import progress, services
from qingyuan.plans.models import Acceptance, EnterprisePlan, ParkPlan
from qingyuan.plans.tests.conftest import seed_plans_demo


def _seed():
    seed_plans_demo()


def test_it_seeds_plans_in_every_state_idempotently(db, django_user_model):
    _seed()
    counts = (EnterprisePlan.objects.count(), Acceptance.objects.count(), ParkPlan.objects.count())
    _seed()
    assert (EnterprisePlan.objects.count(), Acceptance.objects.count(), ParkPlan.objects.count()) == counts
    park_plan = ParkPlan.objects.get()
    assert park_plan.status == "approved" and "省环科院" in park_plan.compiled_by
    # The load targets come from the enterprises' baselines, added by the loads demo (demo/tests/test_story.py).
    assert not park_plan.load_targets.exists()
    outcomes = dict(park_plan.targets.values_list("enterprise__name", "outcome"))
    assert outcomes["青溪县华丰农药有限公司"] == "close" and outcomes["青溪县鑫达助剂有限公司"] == "relocate"
    assert outcomes["青溪宏达化工有限公司"] == "rectify" and "青溪康源制药有限公司" not in outcomes
    statuses = set(EnterprisePlan.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "in_review", "revision", "approved", "acceptance", "accepted"}
    assert set(Acceptance.objects.values_list("status", flat=True)) == {"requested", "scheduled", "passed", "failed"}
    ent1 = EnterprisePlan.objects.get(enterprise__name=data.ENTERPRISE_OF["ent1"])
    assert ent1.status == "accepted" and ent1.acceptances.get().status == "passed"
    ent2 = EnterprisePlan.objects.get(enterprise__name=data.ENTERPRISE_OF["ent2"])
    assert ent2.status == "draft" and ent2.measures.count() >= 5
    assert Enterprise.objects.get(name=data.ENTERPRISE_OF["ent2"]).status == "rectifying"
    in_review = EnterprisePlan.objects.filter(status="in_review")
    assert sorted(p.versions.get(number=p.version).reviews.filter(submitted_at__isnull=False).count()
                  for p in in_review) == [0, 1]
    assert EnterprisePlan.objects.filter(versions__number=2).exists()  # a full revision loop
    p = progress.compute(park_plan)
    assert 0 < p.headline < 1 and 0 < p.weighted_measures_share < 1


def test_every_demo_role_finds_its_plan_work(db, django_user_model):
    _seed()
    users = {u.username: u for u in django_user_model.objects.all()}
    kinds = {name: {i.kind for i in services.work_items(users[name])} for name in ("office", "expert", "ent2", "ent1")}
    assert kinds["office"] >= {"plan_assign", "plan_conclusion", "acceptance_schedule", "acceptance_verdict"}
    assert kinds["expert"] == {"plan_opinion", "plan_conclusion"}  # the lead may conclude the review
    assert kinds["ent2"] == {"plan_draft"} and kinds["ent1"] == set()


def test_the_demo_record_of_ent1_downloads(db, client):
    _seed()
    client.post("/login/", {"username": "ent1", "password": data.PASSWORD})
    plan = EnterprisePlan.objects.get(enterprise__name=data.ENTERPRISE_OF["ent1"])
    acceptance = plan.acceptances.get()
    response = client.get(f"/plans/{plan.pk}/acceptance/{acceptance.pk}/record.docx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    for url in ("/plans/", f"/plans/{plan.pk}/", f"/plans/{plan.pk}/review/", f"/plans/{plan.pk}/acceptance/"):
        assert client.get(url).status_code == 200, url
    client.logout()
    client.post("/login/", {"username": "office", "password": data.PASSWORD})
    assert client.get(f"/plans/park/{ParkPlan.objects.get().pk}/").status_code == 200
