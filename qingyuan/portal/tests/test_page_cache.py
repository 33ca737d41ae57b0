"""Whole-page cache of the overview, map and cards: the same copy for everyone (no cookie, no
``Vary: Cookie``, no CSRF token), one cache read and no write on a hit, a language per copy, stale the
moment a notice is published or withdrawn, and turned over at midnight with the daily rule."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qingyuan.portal import actions
from qingyuan.portal.tests.county import daily, notice


def _pages(world):
    return [f"/public/park/{world.park.code}/", f"/public/park/{world.park.code}/map/",
            f"/public/enterprise/{world.enterprise_a.pk}/"]


def test_it_serves_one_copy_to_everyone_without_cookies_or_vary_cookie(world, county, as_user,
                                                                         django_assert_num_queries):
    for url in _pages(world):
        first = Client().get(url)
        assert first.status_code == 200
        with django_assert_num_queries(0):  # locmem cache in tests: a hit queries nothing
            again = Client().get(url + "?crawler=1")  # the query string does not bypass the copy
        signed_in = as_user(world.regulator).get(url)
        for r in (first, again, signed_in):
            assert r.status_code == 200 and not r.cookies, url
            assert "Cookie" not in r.get("Vary", "") and "Accept-Language" in r["Vary"], url
            assert "csrfmiddlewaretoken" not in r.content.decode()
        assert again.content == first.content == signed_in.content, url


def test_it_reads_the_shared_cache_once_and_writes_nothing_on_a_hit(world, county, settings):
    locmem = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "qingyuan_cache"}}  # production's cache: a table
    settings.QINGYUAN_PORTAL_RATE_LIMIT = 2
    url = f"/public/enterprise/{world.enterprise_a.pk}/"
    try:
        assert Client().get(url).status_code == 200  # computed: counted against the address
        for _ in range(5):  # far over the budget of 2, but hits are not counted
            with CaptureQueriesContext(connection) as queries:
                assert Client().get(url).status_code == 200
            sql = [q["sql"] for q in queries.captured_queries]
            assert len(sql) == 1 and sql[0].startswith("SELECT") and "qingyuan_cache" in sql[0], sql
    finally:
        settings.CACHES = locmem  # the autouse fixture clears the cache after the database is gone


def test_it_keeps_a_copy_per_language(world, county):
    url = f"/public/park/{world.park.code}/"
    chinese = Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "最新公告" in chinese and "Latest notices" not in chinese
    assert "Latest notices" in english and "最新公告" not in english
    assert "最新公告" in Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_it_marks_a_withdrawal_at_once_on_cached_pages(world, county, django_capture_on_commit_callbacks):
    overview, card = f"/public/park/{world.park.code}/", f"/public/enterprise/{world.enterprise_a.pk}/"
    item = f'id="notice-{county.published.pk}"'
    for url in (overview, card):
        body = Client().get(url).content.decode()
        assert item in body and f'notice-withdrawn" {item}' not in body
    with django_capture_on_commit_callbacks(execute=True):  # the copies go stale when the withdrawal commits
        actions.do_transition_notice(county.published, "withdraw", acting_user=world.regulator, reason="名单需更正")
    for url in (overview, card):
        assert f'notice-withdrawn" {item}' in Client().get(url).content.decode(), url


def test_it_shows_a_new_publication_at_once_on_the_cached_overview(world, county,
                                                                  django_capture_on_commit_callbacks):
    overview = f"/public/park/{world.park.code}/"
    assert "新发布的考核结果公示" not in Client().get(overview).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        fresh = notice(world, "新发布的考核结果公示", to="published", kind="assessment")
    body = Client().get(overview).content.decode()
    assert "新发布的考核结果公示" in body and f'id="notice-{fresh.pk}"' in body


def test_it_turns_the_cached_card_over_at_midnight(world, county):
    card = f"/public/enterprise/{world.enterprise_a.pk}/"
    evening = timezone.make_aware(dt.datetime(2026, 3, 10, 23, 59))
    with time_machine.travel(evening, tick=False):
        daily(world.point_a, dt.date(2026, 3, 10), 55.5)
        before = Client().get(card).content.decode()
        assert "2026-03-09" in before and "2026-03-10" not in before
        assert Client().get(card).content.decode() == before  # the cached copy
    with time_machine.travel(evening + dt.timedelta(minutes=2), tick=False):  # 00:01, within the copy's 300 s
        after = Client().get(card).content.decode()
    assert "2026-03-10" in after and after != before
