"""Keep it closed: every URL and every API operation, as every demo role, GET and POST.

Outside a role's scope (an object not in ``Model.objects.visible_to(user)``) the answer is
404 or 403 (anonymous: the login page, 401 in the API), never a page or a redirect to a
success; no request of any role gives a 500; a refused request, and any request of a
read-only role (supervisor, expert), leaves the audit log unchanged. The demo county is
seeded once per module (see conftest.py); each role's test runs in its own savepoint.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qingyuan.demo.tests.sweep import Sweeper
from qingyuan.demo.tests.sweep_data import ROLES
from qingyuan.demo.tests.sweep_routes import API_TARGETS, TARGETS, api_operations, web_routes

pytestmark = pytest.mark.slow


def test_it_knows_what_fills_every_route_with_an_id():
    web = {r.pattern for r in web_routes() if r.params}
    api = {r.pattern for r in api_operations() if r.params}
    assert web - set(TARGETS) == set(), "routes with ids the sweep cannot fill: add them to sweep_routes.TARGETS"
    assert api - set(API_TARGETS) == set(), "API paths with ids the sweep cannot fill: add them to API_TARGETS"
    assert set(TARGETS) - web == set() and set(API_TARGETS) - api == set(), "targets for routes that are gone"
    assert len(web_routes()) > 120 and len(api_operations()) > 15


@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_it_refuses_everything_outside_each_roles_scope(seeded: Any, username: str | None):
    sweeper = Sweeper(username, seeded.user(username))
    for route in web_routes() + api_operations():
        sweeper.route(route)
    assert sweeper.requests > 400
    assert not sweeper.problems, f"{len(sweeper.problems)} of {sweeper.requests} requests:\n" + "\n".join(
        sweeper.problems)


@pytest.mark.parametrize("username", [r for r in ROLES if r != "admin"], ids=lambda r: r or "anonymous")
def test_it_keeps_the_admin_closed_to_everyone_but_staff(seeded: Any, username: str | None):
    client = Client()
    user = seeded.user(username)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), username
    assert client.get("/admin/core/auditentry/").status_code == 302, username
