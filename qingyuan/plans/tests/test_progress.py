"""The park plan's progress is what its enterprise plans and enterprise statuses say (hand-computed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qingyuan.enterprises.actions import do_transition_enterprise
from qingyuan.plans import actions, progress
from qingyuan.plans.models import EnterprisePlan, Measure
from qingyuan.plans.tests.helpers import current_acceptance, fresh, reach, start_rectification
from qingyuan.test import make_enterprise


@pytest.fixture
def scene(world, experts, park_plan, plan, today):
    """A: rectify, approved, 1 of 2 measures done (120.50 of 200.50 万元, COD −6.5).
    B: close, approved, its one closure measure done (50 万元, COD −3.5), enterprise closed.
    C: relocate, no plan."""
    c = make_enterprise(world.park, "丙化工有限公司", 3)
    for enterprise, outcome in ((world.enterprise_a, "rectify"), (world.enterprise_b, "close"), (c, "relocate")):
        actions.do_add_target(park_plan, acting_user=world.regulator, enterprise=enterprise, outcome=outcome)
    for rule, title in (("closures_done", "关停到位"), ("rectifications_done", "整治完成"), ("loads_met", "减排达标"),
                        ("plans_approved", "方案全部通过评审")):
        actions.do_add_milestone(park_plan, acting_user=world.regulator, title=title, rule=rule,
                                 due_date=today + dt.timedelta(days=30))
    start_rectification(world)
    plan = reach("approved", world, plan, experts)
    actions.do_transition_measure(plan.measures.order_by("order").first(), "finish", acting_user=world.ent_a,
                                  effective_date=today)
    b_plan = actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=world.enterprise_b,
                                    title="乙化工关停方案", outcome="close", start_date=today - dt.timedelta(days=30),
                                    deadline=today + dt.timedelta(days=60))
    actions.do_add_measure(b_plan, acting_user=world.regulator, kind="closure", title="拆除生产装置",
                           deadline=today + dt.timedelta(days=20), investment=Decimal("50"),
                           reductions={"w01018": "3.5"})
    b_plan = reach("done", world, b_plan, experts, by=world.regulator)
    do_transition_enterprise(world.enterprise_b, "close", acting_user=world.regulator, reason="依法关停",
                             effective_date=today)
    return plan, b_plan, c


def test_it_computes_progress_from_the_enterprise_plans(world, park_plan, scene):
    p = progress.compute(park_plan)
    assert (p.overall.total, p.overall.reached, p.overall.accepted, p.overall.approved) == (3, 1, 0, 2)
    assert p.headline == Decimal("0.3333")
    assert {t.outcome: (t.reached, t.total) for t in p.by_outcome} == {
        "rectify": (0, 1), "close": (1, 1), "relocate": (0, 1)}
    assert (p.measures, p.measures_done) == (3, 2) and p.measures_share == Decimal("0.6667")
    assert (p.investment, p.investment_done) == (Decimal("250.50"), Decimal("170.50"))
    assert p.weighted_measures_share == Decimal("0.6806")  # 170.50 / 250.50
    (cod,) = p.loads
    assert (cod.required, cod.achieved, cod.met, cod.share) == (Decimal("10"), Decimal("10.0"), True, Decimal("1"))
    assert {m.milestone.rule: m.done for m in p.milestones} == {
        "closures_done": True, "rectifications_done": False, "loads_met": True, "plans_approved": False}
    rows = {r.target.enterprise.name: r for r in p.rows}
    assert rows["丙化工有限公司"].plan is None
    assert (rows["甲化工有限公司"].measures_done, rows["甲化工有限公司"].investment) == (1, Decimal("200.50"))


def test_it_follows_the_plans_when_an_acceptance_passes(world, experts, park_plan, scene):
    plan, _b_plan, _c = scene
    actions.do_transition_measure(fresh(plan).measures.order_by("order").last(), "finish", acting_user=world.ent_a,
                                  effective_date=dt.date.today())
    plan = reach("findings", world, plan, experts, start="done")
    actions.do_decide_acceptance(current_acceptance(plan), acting_user=world.regulator, verdict="pass",
                                 conclusion="通过")
    p = progress.compute(park_plan)
    # What the enterprise plans say, counted directly:
    plans = EnterprisePlan.objects.filter(park_plan=park_plan)
    live = Measure.objects.filter(plan__in=plans).exclude(status="cancelled")
    assert p.overall.accepted == plans.filter(status="accepted").count() == 1
    assert p.overall.reached == 2 and p.headline == Decimal("0.6667")
    assert p.measures_done == live.filter(status="done").count() == 3
    assert p.investment_done == sum(m.investment for m in live.filter(status="done")) == Decimal("250.50")
    assert {m.milestone.rule: m.done for m in p.milestones}["rectifications_done"] is True


def test_it_shows_the_progress_on_the_park_plan_page(world, park_plan, scene, as_user, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        page = as_user(world.leader).get(f"/plans/park/{park_plan.pk}/").content.decode()
    assert '<span id="headline">1 / 3</span>' in page
    assert "170.50 / 250.50" in page and "化学需氧量" in page
    for text in ("整治", "关停", "搬迁", "关停到位", "尚无方案", "stage-chart"):
        assert text in page
