"""Every Chinese catalogue (the project's and each app's) is complete: no empty and no fuzzy entries."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def entries(text):
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        yield "\n".join(lines)


def untranslated(block, nplurals):
    msgid = re.search(r'^msgid ((?:".*"\n?)+)', block + "\n", re.M)
    if msgid is None or msgid.group(1).strip() == '""':
        return False
    strings = re.findall(r'^msgstr(?:\[(\d+)\])? ((?:".*"\n?)+)', block + "\n", re.M)
    needed = [text for index, text in strings if not index or int(index) < nplurals]
    return not needed or any(text.replace('"', "").replace("\n", "").strip() == "" for text in needed)


def test_there_are_catalogues():
    assert ROOT / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated(path):
    text = path.read_text(encoding="utf-8")
    nplurals = int(re.search(r"nplurals=(\d+)", text).group(1))
    fuzzy = [b.splitlines()[-2:] for b in entries(text)
             if re.search(r"^#,.*\bfuzzy\b", b, re.M) and '"Project-Id-Version' not in b]
    empty = [b.splitlines()[-2:] for b in entries(text) if untranslated(b, nplurals)]
    assert fuzzy == [] and empty == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_message_has_more_plural_forms_than_the_language(path):
    """msgfmt --check refuses a catalogue whose entries have more forms than nplurals (Chinese: one)."""
    text = path.read_text(encoding="utf-8")
    nplurals = int(re.search(r"nplurals=(\d+)", text).group(1))
    extra = [b.splitlines()[0] for b in entries(text) if re.search(rf"^msgstr\[{nplurals}\]", b, re.M)]
    assert extra == []
