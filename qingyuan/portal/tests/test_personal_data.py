"""The personal-data scan: every public URL of the portal (walked from portal.urls), every feed and
download, fetched anonymously on a county with personal data and unpublished items planted. None of
them may show a complainant's name, phone, ID number or address, an internal note, a person behind a
measure or an explanation, a draft or approved notice, today's value or an invalid day's value.

Officials' names are not planted as secrets: a published notice carries its issuing body, which is
public by design; complainants' data never are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from qingyuan.portal import actions
from qingyuan.portal.tests.county import INVALID_VALUE, SECRETS, TODAY_VALUE, UNPUBLISHED

MANAGE = "manage/"


def portal_patterns() -> list[str]:
    """The route strings of every pattern under /public/ that belongs to the portal."""
    out = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and getattr(entry, "namespace", None) == "portal":
            for p in entry.url_patterns:
                assert isinstance(p, URLPattern)
                out.append(str(p.pattern))
    return out


def fill(route: str, world: Any, county: Any) -> list[str]:
    """Concrete public URLs for one route (several where the parameter matters)."""
    sub, _ = actions.do_subscribe(world.park, world.enterprise_a, "reader@example.org")
    values = {
        "<slug:park_code>": [world.park.code],
        "<int:pk>": None,
        "<str:fmt>": ["csv", "json"],
        "<str:token>": None,
    }
    if "<str:token>" in route:
        token = actions.confirm_token(sub) if "confirm" in route else actions.unsubscribe_token(sub)
        return ["/public/" + route.replace("<str:token>", token)]
    urls = ["/public/" + route]
    for key, options in values.items():
        if key not in route:
            continue
        if key == "<int:pk>":
            options = ([str(county.published.pk), str(county.withdrawn.pk)] if route.startswith("notice/")
                       else [str(world.enterprise_a.pk), str(world.enterprise_b.pk)])
        urls = [u.replace(key, o) for u in urls for o in options]
    out = []
    for u in urls:
        if "/data/daily." in u or "/data/compliance." in u:
            start = timezone.localdate() - dt.timedelta(days=365)
            out += [f"{u}?enterprise={world.enterprise_a.pk}",
                    f"{u}?enterprise={world.enterprise_a.pk}&start={start}&end=2100-01-01"]
        else:
            out.append(u)
    return out


def test_it_shows_no_personal_data_and_nothing_unpublished_on_any_public_url(world, county, settings):
    settings.QINGYUAN_PORTAL_RATE_LIMIT = 10_000
    client = Client()
    routes = [r for r in portal_patterns() if not r.startswith(MANAGE)]
    assert len(routes) >= 15
    fetched = 0
    for route in routes:
        for url in fill(route, world, county):
            response = client.get(url)
            assert response.status_code in (200, 302, 400), (url, response.status_code)
            if response.status_code == 302:
                response = client.get(response["Location"])
            body = response.content.decode()
            for secret in SECRETS + UNPUBLISHED:
                assert secret not in body, (url, secret)
            for value in (str(TODAY_VALUE), str(INVALID_VALUE)):
                assert value not in body, (url, value)
            assert f"exceedance-{county.alarm_recent.pk}\"" not in body, url
            fetched += 1
    assert fetched >= 20


def test_it_finds_the_published_items_the_scan_looks_through(world, county):
    """The scan would pass on empty pages: check the pages do carry what is published."""
    client = Client()
    card = client.get(f"/public/enterprise/{world.enterprise_a.pk}/").content.decode()
    assert "第一批关停企业名单公示" in card and f"exceedance-{county.alarm_closed.pk}" in card
    assert "废水预处理提标" in card and "化学需氧量" in card
    replies = client.get(f"/public/park/{world.park.code}/replies/").content.decode()
    assert "经核查甲化工废气处理设施故障已修复" in replies and "***" in replies
    start = timezone.localdate() - dt.timedelta(days=100)
    csv = client.get(f"/public/park/{world.park.code}/data/daily.csv?enterprise={world.enterprise_a.pk}"
                     f"&start={start}&end=2100-01-01").content.decode()
    assert csv.count("\n") == 1 + 1 + 39  # licence line, header, 39 published valid days
    assert "CC BY 4.0" in csv.splitlines()[0]
    data = client.get(f"/public/park/{world.park.code}/data/daily.json?enterprise={world.enterprise_a.pk}").json()
    assert data["licence"] == "CC BY 4.0" and len(data["rows"]) == 29  # the last 30 days less the invalid one
    assert {r["compliant"] for r in data["rows"]} == {True, False}


def test_it_answers_404_for_unpublished_notices_and_unknown_objects(world, county):
    client = Client()
    assert client.get(f"/public/notice/{county.draft.pk}/").status_code == 404
    assert client.get(f"/public/notice/{county.approved.pk}/").status_code == 404
    assert client.get("/public/notice/999999/").status_code == 404
    assert client.get("/public/enterprise/999999/").status_code == 404
    assert client.get("/public/park/no-such-park/").status_code == 404
    assert client.get(f"/public/park/{world.park.code}/data/daily.xml?enterprise=1").status_code == 404
    page = client.get(f"/public/notice/{county.withdrawn.pk}/")
    assert page.status_code == 200 and "名单有误，更正后重新公示" in page.content.decode()
    assert 'id="withdrawn"' in page.content.decode()
