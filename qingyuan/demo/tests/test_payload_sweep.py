"""Keep it closed: a script stored in every text of the demo renders inert on every page.

Every free-text column of every row of the seeded demo (names, titles, descriptions,
notes, explanations, addresses, findings...; not choice fields, codes, keys or identifiers)
is overwritten with an HTML/JS payload at the database level, which covers every form that
writes them. Then every page (the scope sweep's URL list, with ids the role may see) is
opened as the office, an enterprise user and the public, as a page and as an HTMX partial:
the payload must never come back as markup (its escaped form may), and nothing gives a 500.
JSON responses carry the payload as data, which is fine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from qingyuan.demo.tests.payload import MARKERS, poison
from qingyuan.demo.tests.sweep import samples
from qingyuan.demo.tests.sweep_data import Demo
from qingyuan.demo.tests.sweep_routes import web_routes

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def poisoned(demo: Demo, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock():
        sid = transaction.savepoint()
        try:
            yield poison()
        finally:
            transaction.savepoint_rollback(sid)


def test_it_stores_the_payload_in_every_free_text(poisoned: dict[str, int]):
    for label in ("enterprises.Enterprise", "plans.Measure", "complaints.Complaint", "inspections.Finding",
                  "alarms.Alarm", "org.Person", "enterprises.MonitoringPoint", "tasks.Assignment"):
        assert poisoned.get(label, 0) > 0, label


@pytest.mark.parametrize("username", ["office", "ent1", "epb", None], ids=["office", "ent1", "epb", "anonymous"])
def test_it_renders_stored_html_inert_on_every_page(seeded: Demo, poisoned: dict[str, int], username: str | None):
    user = seeded.user(username)
    client = Client()
    if user is not None:
        client.force_login(user)
    problems, pages = [], 0
    for route in web_routes():
        for sample in samples(route, user):
            if not sample.visible:
                continue
            url = route.url(sample.values)
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                try:
                    response = client.get(url, **headers)
                except Exception as exc:  # what the view raised: a 500
                    problems.append(f"{username} GET {url}: 500 {type(exc).__name__}: {exc}"[:300])
                    continue
                pages += 1
                if response.status_code >= 500:
                    problems.append(f"{username} GET {url}: {response.status_code}")
                if "html" not in response.get("Content-Type", "") or response.streaming:
                    continue
                body = response.content.decode("utf-8", "replace")
                found = [m for m in MARKERS if m in body]
                if found:
                    at = body.index(found[0])
                    problems.append(f"{username} GET {url} {'(partial)' if headers else ''}: unescaped {found} "
                                    f"…{body[max(0, at - 80):at + 40]!r}")
    assert pages > 60
    assert not problems, f"{len(problems)} of {pages} pages:\n" + "\n".join(problems)
