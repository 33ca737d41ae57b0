import datetime as dt

import pytest

from qingyuan.demo.seed import Seeder
from qingyuan.enterprises.models import Enterprise
from qingyuan.inspections import demo
from qingyuan.inspections.models import Finding, Patrol, PatrolPlan, RandomDraw


def counts():
    return (Patrol.objects.count(), Finding.objects.count(), PatrolPlan.objects.count(), RandomDraw.objects.count(),
            Finding.objects.filter(assignment__isnull=False).count())


@pytest.mark.slow  # a whole demo seed of its own: run on SQLite only (Makefile, test-postgres)
def test_it_seeds_a_month_of_patrols_plans_and_a_draw_idempotently(db):
    seeder = Seeder(log=lambda *args: None)
    seeder.run()
    demo.seed(seeder)
    first = counts()
    demo.seed(seeder)
    assert counts() == first
    patrols, findings, plans, draws, assigned = first
    assert plans == Enterprise.objects.count() and draws == 1
    assert patrols >= 30 and findings >= 5 and assigned == 2
    days = {p.started_at.date() for p in Patrol.objects.all()}
    assert max(days) - min(days) >= dt.timedelta(days=20)
    draw = RandomDraw.objects.get()
    assert draw.published and draw.items.count() == 3
