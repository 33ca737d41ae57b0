"""The demo county's assessment: this year's interim ranking with 临江镇 vetoed and its reason, once."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from qingyuan.assessment.demo import VETO_REASON, VETOED
from qingyuan.assessment.models import Result, Scheme, Score
from qingyuan.assessment.services import interim_ranking
from qingyuan.core import attachments
from qingyuan.demo.seed import Seeder


@pytest.mark.slow  # a whole demo seed of its own: run on SQLite only (Makefile, test-postgres)
def test_it_seeds_this_years_interim_ranking_with_one_vetoed_unit_once(db: Any) -> None:
    Seeder(log=lambda *a: None).run()
    today = timezone.localdate()
    scheme = Scheme.objects.get(year=today.year)
    assert scheme.status == "scoring"
    quarter = (today.month - 1) // 3 + 1
    rows = interim_ranking(scheme.park, today.year, quarter)
    assert len(rows) == scheme.assessed.count() >= 10
    vetoed = [r for r in rows if r.vetoed]
    assert [str(r.unit) for r in vetoed] == [VETOED]
    assert VETO_REASON in vetoed[0].veto_reason and vetoed[0].grade == "fail" and vetoed[0].rank == len(rows)
    assert len({r.total for r in rows}) > 3  # the units differ
    assert attachments.for_owner(scheme.vetoes.get()).count() == 1
    # Every computed score's evidence names records that exist, and totals equal their parts.
    for r in Result.objects.filter(scheme=scheme, quarter=0):
        parts = sum(s.points for s in Score.objects.filter(scheme=scheme, quarter=0, unit=r.unit))
        assert r.total == max(parts, 0)
    counted = Score.objects.filter(scheme=scheme, quarter=0).exclude(evidence={})
    assert sum(len(s.evidence["counted"]) for s in counted) > 50
    before = (Scheme.objects.count(), Score.objects.count())
    Seeder(log=lambda *a: None).run()
    assert (Scheme.objects.count(), Score.objects.count()) == before
