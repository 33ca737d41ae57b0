"""What waits on whom: services.work_items(user), as the "my work" page collects it."""

from __future__ import annotations

import datetime as dt

from qingyuan.core import work
from qingyuan.core.work import Colour
from qingyuan.plans import actions
from qingyuan.plans.services import colour_for, work_items
from qingyuan.plans.tests.helpers import fresh, reach


def kinds(user):
    return sorted(i.kind for i in work_items(user))


def test_it_colours_by_deadline():
    today = dt.date(2026, 6, 10)
    assert colour_for(None, today) == Colour.NONE
    assert colour_for(dt.date(2026, 6, 20), today) == Colour.NONE
    assert colour_for(dt.date(2026, 6, 12), today) == Colour.BLUE
    assert colour_for(dt.date(2026, 6, 10), today) == Colour.YELLOW
    assert colour_for(dt.date(2026, 6, 7), today) == Colour.YELLOW
    assert colour_for(dt.date(2026, 6, 6), today) == Colour.RED


def test_it_follows_a_plan_through_everyone_s_work(world, experts, plan, today):
    expert, expert2 = experts
    assert kinds(world.ent_a) == ["plan_draft"] and kinds(world.regulator) == []
    plan = reach("submitted", world, plan, experts)
    assert kinds(world.ent_a) == [] and kinds(world.regulator) == ["plan_assign"]
    plan = reach("in_review", world, plan, experts, start="submitted")
    (item,) = work_items(expert2)
    assert item.kind == "plan_opinion" and item.deadline == today + dt.timedelta(days=10)
    assert item.url == f"/plans/{plan.pk}/review/" and "v1" in item.title
    plan = reach("opinion", world, plan, experts, start="in_review")
    assert kinds(expert2) == [] and kinds(world.regulator) == []  # the lead has not given an opinion yet
    review = plan.versions.get().reviews.get(reviewer=expert)
    actions.do_submit_opinion(review, acting_user=expert, recommendation="approve_after_revision", opinion="补充")
    assert kinds(world.regulator) == ["plan_conclusion"] and kinds(expert) == ["plan_conclusion"]
    actions.do_conclude_review(fresh(plan), acting_user=expert, conclusion="approve_after_revision", text="补充",
                               revision_due=today + dt.timedelta(days=2))
    (item,) = work_items(world.ent_a)
    assert (item.kind, item.deadline, item.colour) == ("plan_revision", today + dt.timedelta(days=2), Colour.BLUE)
    assert kinds(expert) == [] and kinds(world.regulator) == []


def test_it_asks_for_acceptance_and_then_for_the_inspection(world, experts, plan, today):
    plan = reach("approved", world, plan, experts)
    assert kinds(world.ent_a) == []
    plan = reach("done", world, plan, experts, start="approved")
    assert kinds(world.ent_a) == ["plan_acceptance"]
    plan = reach("acceptance", world, plan, experts, start="done")
    assert kinds(world.ent_a) == [] and kinds(world.regulator) == ["acceptance_schedule"]
    plan = reach("scheduled", world, plan, experts, start="acceptance")
    (item,) = work_items(world.regulator)
    assert (item.kind, item.deadline, item.colour) == ("acceptance_verdict", today, Colour.YELLOW)


def test_it_gives_outsiders_nothing_and_is_registered_for_my_work(world, experts, plan, today):
    reach("submitted", world, plan, experts)
    for user in (world.ent_b, world.supervisor, world.leader, world.officer, world.outsider, experts[0]):
        assert work_items(user) == []
    assert [i.kind for i in work.items_for(world.regulator, today) if i.kind.startswith("plan")] == ["plan_assign"]


def test_it_keeps_its_query_count_flat(world, experts, plan, park_plan, today, django_assert_max_num_queries):
    from decimal import Decimal

    from qingyuan.test import make_enterprise

    reach("submitted", world, plan, experts)
    work_items(world.regulator)  # loads the user's roles once
    with django_assert_max_num_queries(10) as small:
        work_items(world.regulator)
    for i in range(10):
        e = make_enterprise(world.park, f"待办化工{i}", 400 + i)
        p = actions.do_create_plan(acting_user=world.regulator, park_plan=park_plan, enterprise=e, title=f"待办{i}",
                                   outcome="close", start_date=today, deadline=today + dt.timedelta(days=30))
        actions.do_add_measure(p, acting_user=world.regulator, kind="closure", title="拆除", investment=Decimal("1"),
                               deadline=today + dt.timedelta(days=10))
        actions.do_submit_plan(p, acting_user=world.regulator)
    with django_assert_max_num_queries(10) as large:
        assert len(work_items(world.regulator)) == 11
    assert len(small.captured_queries) == len(large.captured_queries)
