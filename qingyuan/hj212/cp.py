"""The CP data area: ``key=value`` pairs into fields, factors and facilities.

``;`` separates items and ``,`` the values of one item (§6.3.3); both only
split pairs here, so ``fields`` is the flat key -> value map. ``xxxxxx-Info``
values wrapped in ``//...//`` may contain separators and UTF-8 text and are
kept whole. Numbers that do not parse are kept as strings in ``Param.extra``
and noted in ``warnings``; nothing here raises.
"""

from __future__ import annotations

from typing import Any

from .codes import normalize_code
from .cpplan import _EXTRA, _RS, _TEXT_SLOT, _key_cache, classify, parse_planned
from .packet import CP, Equipment, Param


def _next_sep(text: str, start: int) -> int:
    semi = text.find(";", start)
    comma = text.find(",", start)
    if semi < 0:
        return comma if comma >= 0 else len(text)
    return semi if comma < 0 or semi < comma else comma


def _pairs_quoted(text: str, warnings: list[str]) -> list[tuple[str, str]]:
    """Slow path: some value is ``//...//`` and may hide ``;``, ``,`` or ``=``."""
    pairs = []
    i, n = 0, len(text)
    while i < n:
        sep = _next_sep(text, i)
        eq = text.find("=", i, sep)
        if eq < 0:
            if text[i:sep].strip():
                warnings.append(f"CP item without '=': {text[i:sep][:40]!r}")
            i = sep + 1
            continue
        key = text[i:eq].strip()
        j = eq + 1
        while j < n and text[j] == " ":
            j += 1
        if text.startswith("//", j):
            close = text.find("//", j + 2)
            if close < 0:
                warnings.append(f"unclosed //...// in {key}")
                close = n - 2
            sep = _next_sep(text, close + 2)
            if text[close + 2 : sep].strip():
                warnings.append(f"text after the closing // of {key}")
        if key:
            pairs.append((key, text[j:sep].strip()))
        else:
            warnings.append("CP item with an empty key")
        i = sep + 1
    return pairs


def _pairs(text: str, warnings: list[str]) -> list[tuple[str, str]]:
    if "//" in text:
        return _pairs_quoted(text, warnings)
    pairs = []
    for item in text.replace(";", ",").split(","):
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if eq and key:
            pairs.append((key, value))
        elif item.strip():
            warnings.append(f"CP item without key=value: {item[:40]!r}")
    return pairs


def _param(code: str, original: str, v: list[Any]) -> Param:
    return Param(
        code, original, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]
    )


def _float(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    # float() also takes "nan", "inf" and "1_000": none of them is an HJ 212 number.
    return x if x - x == 0.0 and "_" not in text else None


def _equipment(name: str, values: dict[str, str], warnings: list[str]) -> Equipment:
    rs_text, rt_text = values.get("RS"), values.get("RT")
    rs = int(rs_text) if rs_text is not None and rs_text.isascii() and rs_text.isdigit() else None
    rt = _float(rt_text) if rt_text is not None else None
    if (rs_text is not None and rs is None) or (rt_text is not None and rt is None):
        warnings.append(f"{name} RS/RT not numbers: {rs_text!r}/{rt_text!r}")
    return Equipment(rs, rt)


def parse_cp(text: str, st: str | None, warnings: list[str], device: object = None) -> CP:
    """Parse the text between ``CP=&&`` and the closing ``&&``.

    ``device`` (any hashable, e.g. ST, CN and MN) only speeds things up: the key
    layout last seen for it is tried first. The result never depends on it.
    """
    if text and ("/" not in text or "//" not in text) and " " not in text and "\t" not in text:
        cp = parse_planned(text, st, device)
        if cp is not None:
            return cp
    return _parse_generic(text, st, warnings)


def _parse_generic(text: str, st: str | None, warnings: list[str]) -> CP:
    pairs = _pairs(text, warnings)
    fields = dict(pairs)
    if len(fields) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                warnings.append(f"duplicate CP key {key} (last kept)")
            seen.add(key)
    groups: dict[str, list[Any]] = {}
    facilities: dict[str, dict[str, str]] = {}
    cache = _key_cache
    for key, value in fields.items():
        code, slot = cache.get(key) or classify(key)
        if slot < 0:
            continue
        if slot > _EXTRA:
            facilities.setdefault(code, {})["RS" if slot == _RS else "RT"] = value
            continue
        values = groups.get(code)
        if values is None:
            values = groups[code] = [None, None, None, None, None, None, None, None, None, None, None, None, None, {}]
        if slot < _TEXT_SLOT:
            try:
                x = float(value)
            except ValueError:
                x = None
            if x is not None and x - x == 0.0 and "_" not in value:
                values[slot] = x
                continue
            values[_EXTRA][key.rpartition("-")[2]] = value
            warnings.append(f"{key} is not a number: {value[:40]!r}")
        elif slot == _EXTRA:
            values[_EXTRA][key.rpartition("-")[2]] = value
        else:
            values[slot] = value
    params: dict[str, Param] = {}
    for original, values in groups.items():
        info = values[12]
        if info is not None and len(info) >= 4 and info.startswith("//") and info.endswith("//"):
            values[12] = info[2:-2]
        code = normalize_code(original, st)
        if code in params:
            warnings.append(f"{original} and {params[code].original_code} are both {code} (last kept)")
        params[code] = _param(code, original, values)
    equipment = {name: _equipment(name, values, warnings) for name, values in facilities.items()}
    return CP(text, fields, fields.get("DataTime"), params, equipment)
