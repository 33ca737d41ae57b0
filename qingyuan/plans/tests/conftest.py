"""Plan personas on top of the shared world: two experts and an admin, a park plan, a drafted plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from qingyuan.org.choices import Role
from qingyuan.plans import actions
from qingyuan.test import make_user


@pytest.fixture
def experts(world):
    """``expert`` (review lead once assigned) and ``expert2``, experts of the test park."""
    return (make_user("expert", world.park, Role.EXPERT, name="省环科院专家"),
            make_user("expert2", world.park, Role.EXPERT, name="监测站专家"))


@pytest.fixture
def admin(world):
    user = get_user_model().objects.create_superuser("root", password="persona-pass-1")
    return user


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def park_plan(world, today):
    park_plan = actions.do_create_park_plan(
        acting_user=world.regulator, park=world.park, title="测试园区污染整治实施方案", compiled_by="省环科院",
        start_date=today - dt.timedelta(days=200), deadline=today + dt.timedelta(days=400))
    actions.do_add_load_target(park_plan, acting_user=world.regulator, pollutant_code="w01018",
                               baseline_t=Decimal("100"), target_t=Decimal("90"))
    return park_plan


@pytest.fixture
def plan(world, park_plan, today):
    """Enterprise A's draft, written by its own user, with two measures."""
    plan = actions.do_create_plan(
        acting_user=world.ent_a, park_plan=park_plan, enterprise=world.enterprise_a, title="甲化工一厂一策整治方案",
        outcome="rectify", start_date=today - dt.timedelta(days=100), deadline=today + dt.timedelta(days=200))
    actions.do_add_measure(plan, acting_user=world.ent_a, kind="wastewater", title="废水预处理设施提标改造",
                           owner_name="李工", deadline=today + dt.timedelta(days=60), investment=Decimal("120.50"),
                           reductions={"w01018": "6.5"})
    actions.do_add_measure(plan, acting_user=world.ent_a, kind="voc", title="车间VOCs收集治理",
                           owner_name="王工", deadline=today + dt.timedelta(days=90), investment=Decimal("80"))
    return plan


def seed_plans_demo() -> None:
    """The demo county's foundation (park, units, accounts, enterprises) and then this app's demo.

    The same steps ``Seeder.run`` takes before it calls ``plans_demo.seed``, so these tests do
    not depend on the other apps' demo data.
    """
    from django.db import transaction

    from qingyuan.demo import data
    from qingyuan.demo.seed import Seeder
    from qingyuan.plans import demo

    seeder = Seeder(log=lambda line: None)
    with transaction.atomic():
        seeder.park = seeder._park()
        seeder._units()
        seeder.users = {u[0]: seeder._account(*u) for u in data.ACCOUNTS}
        seeder._enterprises()
        seeder._enterprise_accounts()
        demo.seed(seeder)
