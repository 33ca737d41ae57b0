"""The small markup the office writes sections in, rendered safely.

A blank line separates paragraphs; lines that start with "- " form a bulleted list;
``**text**`` is bold. Everything else is text: the input is escaped first, so no HTML
the office (or a pasted document) types ever reaches a page or the PDF as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.lstrip().startswith("- ") for line in lines):
            out.append(Block("ul", tuple(line.lstrip()[2:].strip() for line in lines)))
        else:
            out.append(Block("p", (" ".join(line.strip() for line in lines),)))
    return out


def runs(line: str) -> list[tuple[str, bool]]:
    """The line as (text, bold) pieces, for Word."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in _BOLD.finditer(line):
        if m.start() > pos:
            pieces.append((line[pos:m.start()], False))
        pieces.append((m.group(1), True))
        pos = m.end()
    if pos < len(line):
        pieces.append((line[pos:], False))
    return pieces


def _inline(line: str) -> str:
    return "".join(f"<strong>{escape(t)}</strong>" if bold else str(escape(t)) for t, bold in runs(line))


def to_html(text: str) -> SafeString:
    parts = []
    for block in blocks(text):
        if block.kind == "ul":
            parts.append("<ul>" + "".join(f"<li>{_inline(li)}</li>" for li in block.lines) + "</ul>")
        else:
            parts.append(f"<p>{_inline(block.lines[0])}</p>")
    return mark_safe("".join(parts))  # noqa: S308  (every piece of text was escaped above)
