"""A draft's figures equal the period's records, and each section lists exactly the records it counted."""

from __future__ import annotations

from typing import Any

import time_machine

from qingyuan.briefings.tests import county
from qingyuan.core.models import AuditEntry


def _section(briefing: Any, key: str) -> Any:
    return briefing.sections.get(key=key)


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_drafts_assignment_figures_by_unit_from_the_records(world: Any) -> None:
    r = county.month(world)
    b = county.draft(world)
    s = _section(b, "tasks")
    assert (s.figures["issued"], s.figures["closed"], s.figures["overdue"]) == (2, 1, 2)
    assert s.evidence["issued"] == {"model": "tasks.assignment",
                                    "ids": sorted([r["issued_closed"].pk, r["issued_open"].pk])}
    assert s.evidence["closed"]["ids"] == [r["issued_closed"].pk]
    assert s.evidence["overdue"]["ids"] == sorted([r["overdue_town"].pk, r["closed_late_april"].pk])
    assert s.figures["table"]["rows"] == [["临江镇", 0, 0, 2], ["县环保局", 2, 1, 0]]
    assert "2" in s.text and "临江镇" in s.text
    assert AuditEntry.objects.filter(action="briefing.draft", object_id=str(b.pk), user=world.regulator).exists()


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_counts_complaints_and_patrols_of_the_period_only(world: Any) -> None:
    r = county.month(world)
    b = county.draft(world)
    c = _section(b, "complaints")
    assert (c.figures["total"], c.figures["finished"]) == (2, 1)
    assert c.evidence["received"]["ids"] == sorted(x.pk for x in r["complaints"])
    assert c.evidence["finished"]["ids"] == [r["complaints"][0].pk]
    p = _section(b, "patrols")
    assert (p.figures["total"], p.figures["findings"]) == (2, 2)
    assert p.evidence["patrols"]["ids"] == sorted(x.pk for x in r["patrols"])
    assert len(p.evidence["findings"]["ids"]) == 2
    assert [s.key for s in b.sections.all()] == ["tasks", "alarms", "loads", "sections", "complaints", "patrols",
                                                  "plans", "closures"]


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_links_each_counted_record_on_the_briefing_page(world: Any, as_user: Any) -> None:
    r = county.month(world)
    b = county.draft(world)
    page = as_user(world.regulator).get(f"/briefings/{b.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'href="/tasks/{r["overdue_town"].pk}/"' in text
    assert f'href="/tasks/{r["withdrawn"].pk}/"' not in text
    assert f'href="/complaints/{r["complaints"][1].pk}/"' in text


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_links_records_without_a_rule_of_their_own_only_when_their_parent_is_visible(world: Any) -> None:
    from qingyuan.briefings.views import _visible
    from qingyuan.inspections.models import Finding, Patrol
    from qingyuan.org.choices import Role
    from qingyuan.test import make_user

    county.month(world)
    expert = make_user("briefing-expert", world.park, Role.EXPERT)
    findings = Finding.objects.all()
    assert findings.exists() and not Patrol.objects.visible_to(expert).exists()
    assert not _visible(findings, expert).exists()  # the patrol page would be a 404 for the expert
    assert set(_visible(findings, world.regulator)) == set(findings)
