"""Shared fixtures: personas (qingyuan.test), clients logged in as each, and the browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from qingyuan.test import World, make_world

CHROMIUM = os.environ.get("QINGYUAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _short_demo_hours() -> Iterator[None]:
    """Demo seeds in tests write 35 days of hourly values, not 13 months (a minute less per seed);
    the story's own test (demo/tests/test_story.py) overrides this to seed them all."""
    from django.conf import settings

    before = settings.QINGYUAN_DEMO_HOURLY_DAYS
    settings.QINGYUAN_DEMO_HOURLY_DAYS = 35
    yield
    settings.QINGYUAN_DEMO_HOURLY_DAYS = before


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


@pytest.fixture
def as_user() -> Any:
    """``as_user(user)`` gives a test client logged in as that user (None: anonymous)."""

    def login(user: Any) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return login


def _browser_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (make install)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("QINGYUAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


DB_FIXTURES = frozenset({"db", "transactional_db", "live_server"})
DB_MARKERS = ("django_db", "postgres", "cluster")


@pytest.hookimpl(trylast=True)  # after pytest-django has put the transactional tests last
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Browser tests last (``browser_last``). With QINGYUAN_ONLY_DB_TESTS=1 (the PostgreSQL stage of `make test`) only the tests that reach the
    database run: the protocol, codec, rule and socket tests answer the same on any database, and the
    SQLite stage has run them. Deselected tests are counted in pytest's summary line."""
    browser_last(items)
    if os.environ.get("QINGYUAN_ONLY_DB_TESTS") != "1":
        return
    keep, drop = [], []
    for item in items:
        reaches_db = (any(item.get_closest_marker(m) for m in DB_MARKERS)
                      or DB_FIXTURES & set(getattr(item, "fixturenames", ())))
        (keep if reaches_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def browser_last(items: list[Any]) -> None:
    """Browser tests run after all the others: the session's Playwright keeps an event loop running in the
    main thread, and a later test's ``asyncio.run()`` would fail ("cannot be called from a running event
    loop"). A stable sort: the order within each group is kept."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
