"""The login gate decides on the path inside the site, never on SCRIPT_NAME a client can send."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

OPEN = ("login/", "logout/", "i18n/", "public/", "api/", "admin/", "static/", "accounts/login/", "favicon.ico")


def plain_urls(patterns=None, prefix=""):
    """Every URL of the site that takes no argument (the staff pages), as paths."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or route.startswith(("^", *OPEN)):
            continue
        if isinstance(entry, URLResolver):
            yield from plain_urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield "/" + route


@pytest.mark.django_db
@pytest.mark.parametrize("script_name", ["", "/public", "/api", "/static"])
def test_it_sends_anonymous_visitors_of_staff_pages_to_the_login_page(world, script_name):
    client = Client(SCRIPT_NAME=script_name)
    urls = sorted(set(plain_urls()))
    assert len(urls) > 20
    for url in urls + [f"/enterprises/{world.enterprise_a.pk}/", f"/monitoring/points/{world.point_a.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302, (script_name, url, response.status_code)
        assert "/login/" in response["Location"], (script_name, url)


@pytest.mark.django_db
def test_it_answers_the_api_without_a_token_with_401_whatever_the_script_name(world):
    for script_name in ("", "/public"):
        response = Client(SCRIPT_NAME=script_name).get("/api/v1/enterprises")
        assert response.status_code == 401 and response.json() == {"error": "Authentication required."}


@pytest.mark.django_db
def test_it_still_serves_the_public_pages_without_login(world):
    assert Client().get("/public/complaints/").status_code == 200
