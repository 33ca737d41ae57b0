"""Humane presentation, in Chromium: every page of every demo role, at 1440 px and at 390 px.

The demo county is seeded once (with the rows the sweeps add: an alarm, an explanation, a rebound
flag and a notification per account). For each role (and the anonymous public) the walk starts at
the home page and follows same-origin links (GET only; no log-out, export, download or file links),
one page per URL pattern and set of query names, at most ``CAP`` pages. Each page is read at 1440 px,
then the same pages at 390 px. It fails on: a status other than 200, a script error or CSP violation,
a pollutant code without its name, a raw dict, a raw choice value, an English catalogue string on a
zh-hans page (``presentation.problems``), a form control (a filter box) without a label, a page wider
than a phone, and text cut off by an ellipsis.
"""

from __future__ import annotations

import time
from collections import deque
from urllib.parse import urlsplit

import pytest

from qingyuan.demo import data
from qingyuan.demo.tests.presentation import problems, route_key
from qingyuan.demo.tests.sweep_data import seed_demo
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser

ROLES = ["leader", "office", "epb", "township", "ent1", "ent2", "inspector", "expert", "supervisor", None]
PUBLIC_STARTS = ["/", "/login/", "/public/complaints/"]
CAP = 40
DOWNLOAD = -1
USERNAMES = tuple(r for r in ROLES if r)  # data, not vocabulary: "expert 的通知" names the account

# The page's links, whether it is wider than the window (what sticks out, outside a scrolling
# wrapper) and which elements cut their text with an ellipsis.
READ = """() => {
  const width = window.innerWidth;
  const links = [...document.querySelectorAll("a[href]")].map((a) => a.href);
  const wide = [];
  if (document.documentElement.scrollWidth > width + 1) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right <= width + 1 || r.width === 0) { continue; }
      let p = el.parentElement, scrolls = false;
      while (p && p !== document.body) {
        const o = getComputedStyle(p).overflowX;
        if (o === "auto" || o === "scroll" || o === "hidden") { scrolls = true; break; }
        p = p.parentElement;
      }
      if (!scrolls) { wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
        " right=" + Math.round(r.right)); }
      if (wide.length > 3) { break; }
    }
  }
  const cut = [];  // qingyuan.css and the templates use no ellipsis (test_presentation_static); Bootstrap's does
  for (const el of document.body.querySelectorAll(".text-truncate, .form-select, [style*=ellipsis]")) {
    if (getComputedStyle(el).textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim()
        && el.tagName !== "SELECT") {
      cut.push(el.innerText.trim().slice(0, 40));
    }
  }
  // Every visible form control is named: a <label> (preferred), aria-label or aria-labelledby.
  const unlabelled = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset", "image"].includes(el.type) || !el.offsetParent) { continue; }
    const named = (el.labels && [...el.labels].some((l) => l.innerText.trim())) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby");
    if (!named) { unlabelled.push((el.form && el.form.method === "get" ? "filter " : "") + el.tagName.toLowerCase() + "[name=" + el.name + "]"); }
  }
  return {text: document.body.innerText, links, overflow: document.documentElement.scrollWidth > width + 1,
          wide, cut, unlabelled};
}"""


def _watch(page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


def _visit(page, base: str, path: str, errors: list[str]) -> tuple[int, dict]:
    errors.clear()
    try:
        response = page.goto(base + path, wait_until="load")
    except Exception as e:  # Playwright refuses to navigate to a download
        if "Download is starting" in str(e):
            return DOWNLOAD, {}
        raise
    return (response.status if response else 0), page.evaluate(READ)


def _walk(page, base: str, starts: list[str], role: str, report: list[str], errors: list[str]) -> list[str]:
    """Crawl at the current width; returns the pages visited (one per URL pattern)."""
    seen: set[str] = set()
    todo = deque((start, "") for start in starts)
    visited: list[str] = []
    while todo and len(visited) < CAP:
        path, came_from = todo.popleft()
        key = route_key(path)
        if key is None or key in seen:
            continue
        seen.add(key)
        status, read = _visit(page, base, path, errors)
        if status == DOWNLOAD:
            continue
        visited.append(path)
        _check(role, path, status, read, errors, report, phone=False, came_from=came_from)
        for href in read["links"]:
            parts = urlsplit(href)
            if base.endswith(parts.netloc) and parts.scheme.startswith("http"):
                todo.append((parts.path + (f"?{parts.query}" if parts.query else ""), path))
    return visited


def _check(role: str, path: str, status: int, read: dict, errors: list[str], report: list[str], *, phone: bool,
           came_from: str = "") -> None:
    where = f"{role or 'anonymous'} {path} @{390 if phone else 1440}"
    if status != 200:
        report.append(f"{where}: status {status}" + (f" (linked from {came_from})" if came_from else ""))
        return
    for problem in dict.fromkeys(problems(read["text"], data=USERNAMES)):
        report.append(f"{where}: {problem}")
    if phone and read["overflow"]:
        report.append(f"{where}: wider than the phone: {', '.join(read['wide']) or 'scrollWidth'}")
    for control in read["unlabelled"] if not phone else []:
        report.append(f"{where}: no label: {control}")
    for text in read["cut"]:
        report.append(f"{where}: text cut off: “{text}”")
    for error in errors:
        if "Content Security Policy" in error or "Uncaught" in error or "Error" in error:
            report.append(f"{where}: script error: {error[:160]}")


def test_it_shows_every_page_of_every_role_humanely(live_server, browser, transactional_db, settings):
    started = time.monotonic()
    seed_demo(settings.MEDIA_ROOT)
    base = live_server.url
    report: list[str] = []
    pages = 0
    for role in ROLES:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        _watch(page, errors)
        if role:
            browser_login(page, base, role, data.PASSWORD)
        visited = _walk(page, base, ["/"] if role else PUBLIC_STARTS, role, report, errors)
        page.set_viewport_size({"width": 390, "height": 844})
        for path in visited:
            status, read = _visit(page, base, path, errors)
            if status != DOWNLOAD:
                _check(role, path, status, read, errors, report, phone=True)
        pages += len(visited)
        context.close()
    elapsed = time.monotonic() - started
    print(f"\npresentation walk: {pages} pages × 2 widths in {elapsed:.0f} s")
    assert pages > 100, f"the walk found only {pages} pages"
    assert not report, f"{len(report)} presentation problems:\n" + "\n".join(report)
