"""What the presentation walk looks for in a page's visible text, and how it finds the pages.

Pure functions over strings (and the project's catalogues and choices), so the rules can be read
and tested apart from the browser: ``problems(text)`` lists what a reader should not see on a
zh-hans page; ``route_key(url)`` reduces ``/x/12/`` and ``/x/13/`` to one representative.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

from qingyuan.standards import pollutants

ROOT = Path(__file__).resolve().parents[2]

# Links the walk never follows: they sign out, download, change language or leave the HTML site.
SKIP = re.compile(r"(^/(logout|i18n|admin|api|static|media)/)|(export|download|evidence|attachment|photo|/files?/|\.(csv|xlsx|pdf|zip|json|geojson|png|svg|ico|atom|ics|docx)$)")


def route_key(url: str) -> str | None:
    """One key per URL pattern and set of query names; None for a link the walk skips."""
    parts = urlsplit(url)
    if SKIP.search(parts.path) or "export" in parts.query or "format=" in parts.query:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return parts.path  # a dead link is still worth visiting: the walk reports its status
    names = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - {"page"})
    return f"{match.route}?{'&'.join(names)}"


# ---- pollutant codes -----------------------------------------------------------------------------

@functools.cache
def _codes() -> tuple[dict[str, str], re.Pattern[str]]:
    names: dict[str, str] = {}
    for p in pollutants():
        names[p.code] = p.name_zh
        if p.old_code and re.fullmatch(r"0\d\d", p.old_code):
            names.setdefault(p.old_code, p.name_zh)
    alternation = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return names, re.compile(rf"(?<![A-Za-z0-9_./:,-])({alternation})(?![A-Za-z0-9_/-])")  # not in 1,038.80


def bare_codes(text: str) -> list[str]:
    """HJ 212 codes shown without their Chinese name next to them ("化学需氧量 (w01018)" is fine)."""
    names, pattern = _codes()
    found = []
    for m in pattern.finditer(text):
        near = text[max(0, m.start() - 30): m.end() + 30]
        if names[m.group(1)] not in near:
            found.append(f"{m.group(1)} in “{_around(text, m)}”")
    return found


# ---- choice values -------------------------------------------------------------------------------

@functools.cache
def choice_values() -> frozenset[str]:
    """Every lowercase TextChoices value of the project of four characters or more ("reduction", "bad_crc")."""
    from django.db.models import Choices

    values: set[str] = set()
    todo = list(Choices.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if not cls.__module__.startswith("qingyuan."):
            continue
        for member in cls:
            value = str(member.value)
            if re.fullmatch(r"[a-z][a-z0-9_\- ]*[a-z0-9]", value) and len(value) > 3:
                values.add(value)
    return frozenset(values)


SNAKE = re.compile(r"(?<![\w@./-])[a-z]+_[a-z_]+(?:-[a-z_]+)?(?![\w@/-])")


def raw_choices(text: str) -> list[str]:
    found = [f"{m.group(0)} in “{_around(text, m)}”" for m in SNAKE.finditer(text)]
    for value in choice_values():
        for m in re.finditer(rf"(?<![\w/.@-]){re.escape(value)}(?![\w/@-])", text):
            found.append(f"{value} in “{_around(text, m)}”")
    return found


# ---- untranslated catalogue strings --------------------------------------------------------------

def _po_strings(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of a .po file: contexts and plurals are read as their first forms."""
    out: list[tuple[str, str]] = []
    key, parts = None, {"msgid": [], "msgstr": []}  # type: ignore[var-annotated]
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        head = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?|msgstr\[\d\])\s+(\".*\")$", line)
        if head:
            key = {"msgstr[0]": "msgstr"}.get(head.group(1), head.group(1))
            if key == "msgctxt" and parts["msgid"]:
                out.append(("".join(parts["msgid"]), "".join(parts["msgstr"])))
                parts = {"msgid": [], "msgstr": []}
            if key == "msgid":
                if parts["msgid"]:
                    out.append(("".join(parts["msgid"]), "".join(parts["msgstr"])))
                parts = {"msgid": [], "msgstr": []}
            if key in parts:
                parts[key].append(ast.literal_eval(head.group(2)))
        elif line.startswith('"') and key in parts:
            parts[key].append(ast.literal_eval(line))
        elif not line:
            key = None
    if parts["msgid"]:
        out.append(("".join(parts["msgid"]), "".join(parts["msgstr"])))
    return out


@functools.cache
def _catalogue() -> re.Pattern[str] | None:
    """The catalogue's English phrases of two words or more (placeholders cut out) as one pattern."""
    phrases: set[str] = set()
    for po in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        for msgid, _msgstr in _po_strings(po):
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|[.:;!?()\"“”]", msgid):
                piece = piece.strip(" ,-–—/·")
                if len(re.findall(r"[A-Za-z]+", piece)) >= 2 and re.fullmatch(r"[A-Za-z][A-Za-z ,'’-]*[A-Za-z]", piece):
                    phrases.add(piece)
    if not phrases:
        return None
    alternation = "|".join(sorted(map(re.escape, phrases), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z])({alternation})(?![A-Za-z])")


def untranslated(text: str) -> list[str]:
    pattern = _catalogue()
    if pattern is None:
        return []
    return [f"“{m.group(1)}” in “{_around(text, m)}”" for m in pattern.finditer(text)]


# ---- all together --------------------------------------------------------------------------------

def problems(text: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """What a reader should not see in a zh-hans page's visible text; ``data`` (user names) is left out."""
    for word in data:
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", text)
    found = [f"pollutant code without its name: {c}" for c in bare_codes(text)]
    found += [f"raw dict: “{_around(text, m)}”" for m in re.finditer(r"\{'", text)]
    found += [f"raw choice value: {c}" for c in raw_choices(text)]
    found += [f"raw standard category: “{_around(text, m)}”" for m in re.finditer(r"表\d+\s+[a-z][\w-]*", text)]
    found += [f"untranslated: {u}" for u in untranslated(text)]
    return found


def _around(text: str, m: re.Match[str]) -> str:
    return " ".join(text[max(0, m.start() - 25): m.end() + 25].split())
