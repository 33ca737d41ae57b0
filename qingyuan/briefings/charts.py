"""Bar charts as PNG, drawn with Pillow (already a dependency) in a CJK font when one is installed."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk: Noto Sans CJK SC
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
COLOURS = ["#2f6db5", "#3a9a5b", "#d0453a", "#e0a030"]
W, H, LEFT, RIGHT, TOP, BOTTOM = 1200, 560, 90, 30, 70, 120


@lru_cache(maxsize=4)
def font(size: int) -> Any:
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size, index=2)  # index 2 of the collection: SC
        except OSError:
            continue
    return ImageFont.load_default()  # no CJK font: Latin only, quietly


def bar_chart(spec: dict[str, Any]) -> bytes:
    """Grouped bars: ``labels`` on x, one bar per series, y axis labelled, an optional limit line."""
    labels: list[str] = spec.get("labels", [])
    series: dict[str, list[float]] = spec.get("series", {})
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    d.text((W // 2, 20), spec.get("title", ""), fill="black", font=font(28), anchor="mt")
    peak = max([v for vals in series.values() for v in vals] + [spec.get("limit") or 0, 1])
    top = peak * 1.1
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    y = lambda v: TOP + plot_h - plot_h * v / top  # noqa: E731
    d.line([(LEFT, TOP), (LEFT, TOP + plot_h), (W - RIGHT, TOP + plot_h)], fill="black", width=2)
    for i in range(5):
        v = top * i / 4
        d.text((LEFT - 8, y(v)), f"{v:.0f}", fill="black", font=font(18), anchor="rm")
    d.text((12, TOP - 30), spec.get("axis", ""), fill="black", font=font(18))
    n, k = max(len(labels), 1), max(len(series), 1)
    group = plot_w / n
    bar = group * 0.8 / k
    for si, (name, vals) in enumerate(series.items()):
        colour = COLOURS[si % len(COLOURS)]
        for li, v in enumerate(vals):
            x0 = LEFT + li * group + group * 0.1 + si * bar
            d.rectangle([x0, y(v), x0 + bar - 2, TOP + plot_h], fill=colour)
            d.text((x0 + bar / 2, y(v) - 4), f"{v:g}", fill="black", font=font(16), anchor="mb")
        d.rectangle([LEFT + si * 180, H - 32, LEFT + si * 180 + 18, H - 14], fill=colour)
        d.text((LEFT + si * 180 + 24, H - 23), name, fill="black", font=font(18), anchor="lm")
    for li, label in enumerate(labels):
        d.text((LEFT + li * group + group / 2, TOP + plot_h + 10), label[:10], fill="black", font=font(18), anchor="mt")
    if spec.get("limit"):
        d.line([(LEFT, y(spec["limit"])), (W - RIGHT, y(spec["limit"]))], fill="#d0453a", width=2)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()
