"""The Content-Security-Policy: on every kind of response, strict for scripts, and kept that way.

The policy (django-csp, settings.CONTENT_SECURITY_POLICY) allows scripts only from our own origin,
so no page may carry an inline <script> or an inline event handler (onclick=...). The last test
reads every template so that a new one cannot slip in unnoticed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the qingyuan package


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_strict_csp(response) -> None:
    policy = directives(response)
    assert policy, "no Content-Security-Policy header"
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in response.headers


class Scripts(HTMLParser):
    """Collects the <script> elements of a page and any inline event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if re.fullmatch(r"on[a-z]+", name)]
        if tag == "script":
            self.scripts.append(dict(attrs))


def executable_inline_scripts(html: str) -> tuple[list[dict[str, str | None]], list[str]]:
    parser = Scripts()
    parser.feed(html)
    inline = [s for s in parser.scripts if not s.get("src") and s.get("type") != "application/json"]
    return inline, parser.handlers


def test_it_sends_a_strict_csp_on_a_full_page(world, as_user):
    response = as_user(world.regulator).get("/")
    assert response.status_code == 200
    assert_strict_csp(response)
    assert executable_inline_scripts(response.content.decode()) == ([], [])


def test_it_sends_a_strict_csp_on_an_htmx_partial(world, as_user):
    response = as_user(world.regulator).get("/alarms/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content  # really the partial
    assert_strict_csp(response)


def test_it_sends_a_strict_csp_on_the_login_and_public_complaint_pages(world, as_user):
    login = as_user(None).get("/login/")
    assert login.status_code == 200
    assert_strict_csp(login)
    public = as_user(None).get(f"/public/complaints/{world.park.code}/")
    assert public.status_code == 200
    assert_strict_csp(public)
    assert executable_inline_scripts(public.content.decode()) == ([], [])


def test_it_serves_the_api_docs_under_the_csp_with_our_own_scripts(world, as_user):
    response = as_user(world.regulator).get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict_csp(response)
    html = response.content.decode()
    inline, handlers = executable_inline_scripts(html)
    assert inline == [] and handlers == []
    parser = Scripts()
    parser.feed(html)
    sources = [s["src"] for s in parser.scripts if s.get("src")]
    assert sources and all(src.startswith("/static/") for src in sources), sources
    assert "cdn.jsdelivr.net" not in html


def template_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("templates/**/*.html") if ".venv" not in p.parts)


INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def test_it_finds_no_inline_script_or_handler_in_any_template():
    files = template_files()
    assert len(files) > 50  # the glob really found the templates
    offenders = []
    for path in files:
        text = path.read_text()
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in INLINE_HANDLER.finditer(text)]
        for m in SCRIPT_TAG.finditer(text):
            attrs = m.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert offenders == []


def test_the_template_check_catches_what_it_is_for():
    bad = '<select name="x" onchange="this.form.submit()"><script>alert(1)</script>'
    assert INLINE_HANDLER.search(bad)
    assert [m.group(1) for m in SCRIPT_TAG.finditer(bad)] == [""]
    assert not INLINE_HANDLER.search('<form action="/x" hx-trigger="change">')
