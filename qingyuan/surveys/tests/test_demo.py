"""The demo's surveys: the frame, last year's and this year's closed rounds, the rate rising; seeded once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import time_machine

from qingyuan.surveys import demo, stats
from qingyuan.surveys.models import PaperBatch, Response, Round, Village


@time_machine.travel("2026-12-05 10:00 +0800", tick=False)
def test_it_seeds_two_closed_rounds_with_the_rate_rising_once(world: Any, as_user: Any) -> None:
    seeder = SimpleNamespace(park=world.park, units={"临江镇": world.township_unit}, users={"office": world.regulator})
    demo.seed(seeder)
    assert Village.objects.filter(park=world.park).count() == len(demo.VILLAGES) == 10
    assert Village.objects.filter(township=world.township_unit).count() == 4
    rounds = list(Round.objects.order_by("year"))
    assert [(r.year, r.status) for r in rounds] == [(2025, "closed"), (2026, "closed")]
    assert rounds[0].closed_at.date().isoformat() == "2025-12-10"
    years = stats.by_year(world.park.pk)
    assert [y.year for y in years] == [2025, 2026]
    last, this = years
    assert 300 <= last.responses <= 500 and 300 <= this.responses <= 500
    assert 45 <= last.rate.percent <= 65 and 75 <= this.rate.percent <= 92
    assert PaperBatch.objects.filter(round=rounds[1]).count() == 10
    paper = Response.objects.filter(batch__isnull=False).count()
    assert 0.2 < paper / Response.objects.count() < 0.45
    assert Response.objects.filter(channel="phone", phone_hash="").count() == 0
    _overall, rows = stats.round_rates(rounds[0])
    nearest, farthest = rows[0][1].percent, rows[-1][1].percent
    assert nearest < farthest  # closer to the park, less satisfied
    count = Response.objects.count()
    demo.seed(seeder)
    assert Response.objects.count() == count and Round.objects.count() == 2
    page = as_user(world.regulator).get(f"/surveys/{rounds[1].pk}/").content.decode()
    assert "临江村" in page and str(_overall.percent) not in ("", None)
