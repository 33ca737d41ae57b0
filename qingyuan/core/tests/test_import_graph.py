"""The apps' import graph has no cycles, and domain apps never import the gateway or the ingest joint.

Issue 15, join 3. Every module under ``qingyuan/<app>/`` (tests and migrations aside) is parsed
with ``ast``; its imports, at module level and inside functions alike, become edges between apps.
The layers and what each may import are in docs/architecture.md. In short:

* ``hj212`` and ``standards``: the standard library only; ``gateway``: ``hj212``;
* ``ingest`` is the one joint between the gateway and Django: it may import the gateway, the
  codec and the domain apps that store what arrives; no app imports ``ingest`` or ``gateway``
  (the project's ``urls``/``cli`` and the ``simulator`` tool, which speaks to the gateway, aside);
* ``core`` imports no domain app;
* the demo seeding code (``qingyuan/demo/``, each app's ``demo.py``/``demo_*.py`` and the
  modules in ``SEEDING``) is one layer on top of every app: an app's seeding module counts as
  ``demo``, not as the app;
* apart from that, an app may import any app that does not (directly or through others) import
  it back: the graph between apps is acyclic.

Apps plug into apps above them through registries (``qingyuan.core.plugins`` and the registries
named in docs/core.md), never by importing upward.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import qingyuan

ROOT = Path(qingyuan.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())
# Seeding modules that do not follow the demo*.py naming (the demo year's alarm history).
SEEDING = {"qingyuan/alarms/history.py"}
DOMAIN_FREE = {"hj212": set(), "standards": set(), "gateway": {"hj212"}}
JOINT = {"gateway", "ingest"}
MAY_IMPORT_JOINT = {"gateway", "ingest", "simulator"}


def _owner(path: Path) -> str | None:
    rel = path.relative_to(ROOT)
    if len(rel.parts) < 2:
        return None  # settings, urls, cli, test.py: the project, not an app
    if "tests" in rel.parts or "migrations" in rel.parts:
        return None
    app = rel.parts[0]
    name = rel.parts[-1]
    if app == "demo" or name == "demo.py" or name.startswith("demo_") or f"qingyuan/{rel}" in SEEDING:
        return "demo"
    return app


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module named by an import anywhere in the file (relative imports resolved)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    return imported_modules(path.read_text(encoding="utf-8"), package)


def imported_modules(source: str, package: list[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "qingyuan" and parts[1] in APPS else None


def import_edges() -> dict[str, dict[str, set[str]]]:
    """app → imported app → the modules of the first app that import the second."""
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(ROOT.rglob("*.py")):
        owner = _owner(path)
        if owner is None:
            continue
        for module in _imports(path):
            target = _app_of(module)
            if target is not None and target != owner and not (owner == "demo" and target == "demo"):
                edges[owner][target].add(str(path.relative_to(ROOT.parent)))
    return edges


def cycles(edges: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _describe(component: list[str], edges: dict[str, dict[str, set[str]]]) -> str:
    lines = [" ↔ ".join(component)]
    for a in component:
        for b in component:
            if b in edges.get(a, {}):
                lines.append(f"  {a} → {b}: {', '.join(sorted(edges[a][b]))}")
    return "\n".join(lines)


def test_it_finds_no_cycle_between_apps():
    edges = import_edges()
    found = cycles(edges)
    assert not found, "import cycles between apps:\n" + "\n".join(_describe(c, edges) for c in found)


def test_it_finds_no_domain_app_importing_the_gateway_or_the_ingest_joint():
    edges = import_edges()
    wrong = [f"{a} → {b}: {', '.join(sorted(mods))}" for a, targets in sorted(edges.items())
             for b, mods in sorted(targets.items()) if b in JOINT and a not in MAY_IMPORT_JOINT]
    assert not wrong, "domain apps importing gateway/ingest:\n" + "\n".join(wrong)


def test_it_keeps_the_codec_the_gateway_and_the_standards_free_of_domain_apps():
    edges = import_edges()
    wrong = [f"{a} → {b}: {', '.join(sorted(edges[a][b]))}" for a, allowed in DOMAIN_FREE.items()
             for b in edges.get(a, {}) if b not in allowed]
    assert not wrong, "\n".join(wrong)


def test_it_keeps_core_free_of_domain_apps():
    edges = import_edges()
    wrong = {b: sorted(mods) for b, mods in edges.get("core", {}).items() if b != "standards"}
    assert not wrong, f"core imports domain apps: {wrong}"


def test_it_sees_a_cycle_and_a_function_level_import():
    """The checker itself: a three-app cycle is reported, an import inside a function counts, and a
    relative import is resolved to its app."""
    assert cycles({"a": {"b": {"a.py"}}, "b": {"c": {"b.py"}}, "c": {"a": {"c.py"}}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b": {"a.py"}}, "b": {}}) == []
    hidden = "def compliance():\n    from qingyuan.alarms.models import Alarm\n    return Alarm\n"
    assert "qingyuan.alarms.models" in imported_modules(hidden, ["qingyuan", "quality"])
    relative = imported_modules("from ..core import audit\n", ["qingyuan", "quality"])
    assert {_app_of(m) for m in relative} == {"core"}
    assert _app_of("qingyuan.alarms.models") == "alarms" and _app_of("django.db") is None
