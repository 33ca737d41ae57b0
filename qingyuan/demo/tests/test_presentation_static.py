"""Names wrap, never cut; chart labels stay inside their chart (the static half of the presentation walk).

"目标 III" once read "目标 II" because a limit line's label sat past the grid's right edge: a label at
the end of a markLine is drawn outside the plot, where ``containLabel`` does not make room for it.
Every labelled markLine therefore puts its label inside the plot (``position: "inside…"``).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN_JS = [p for p in ROOT.glob("**/static/**/*.js") if "vendor" not in p.parts]


def test_it_cuts_no_names_with_an_ellipsis():
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}"
                 for p in [*ROOT.glob("**/templates/**/*.html"), *ROOT.glob("**/static/**/*.css")] if "vendor" not in p.parts
                 for m in re.finditer(r"text-truncate|text-overflow\s*:\s*ellipsis", p.read_text(encoding="utf-8"))]
    assert not offenders, offenders


def test_it_keeps_every_limit_line_label_inside_its_chart():
    assert OWN_JS
    offenders = []
    for path in OWN_JS:
        source = path.read_text(encoding="utf-8")
        for m in re.finditer(r"markLine\s*[:=]\s*\{", source):
            body = source[m.end(): m.end() + 400]
            label = re.search(r"label\s*:\s*\{(.*?)(data|lineStyle)\s*:", body, re.S)
            if label and "formatter" in label.group(1) and not re.search(r"position\s*:\s*\"(inside\w*|start)\"", label.group(1)):
                offenders.append(f"{path.relative_to(ROOT)}: {source[m.start(): m.end() + 80]!r}")
    assert not offenders, offenders
