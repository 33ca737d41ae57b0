"""The CP data area: ``key=value`` pairs into fields, factors and facilities.

``;`` separates items and ``,`` the values of one item (§6.3.3); both only
split pairs here, so ``fields`` is the flat key -> value map. ``xxxxxx-Info``
values wrapped in ``//...//`` may contain separators and UTF-8 text and are
kept whole. Numbers that do not parse are kept as strings in ``Param.extra``
and noted in ``warnings``; nothing here raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from .codes import medium_of, normalize_code
from .packet import CP, Equipment, Param, new_param


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


# Where a CP key's value goes: (factor code, slot). Slots 0-8 are the numeric
# Param fields, 9-12 the text ones, _EXTRA anything else; SB facilities get
# _RS/_RT; keys without "-" are _PLAIN. Keys repeat across packets, so the
# answer is cached (bounded: cleared when it grows past _CACHE_MAX).
_SLOTS = {name: k for k, name in enumerate(
    ["Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "Flag", "EFlag", "SampleTime", "Info"]
)}  # fmt: skip
_TEXT_SLOT = 9
_EXTRA, _RS, _RT = 13, 14, 15
_PLAIN = ("", -1)
_CACHE_MAX = 4096
_key_cache: dict[str, tuple[str, int]] = {}


def _classify(key: str) -> tuple[str, int]:
    code, dash, suffix = key.rpartition("-")
    if not dash or not code:
        info = _PLAIN
    elif code.startswith("SB") and suffix in ("RS", "RT"):
        info = (code, _RS if suffix == "RS" else _RT)
    else:
        info = (code, _SLOTS.get(suffix, _EXTRA))
    if len(_key_cache) >= _CACHE_MAX:
        _key_cache.clear()
    _key_cache[key] = info
    return info


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


def parse_cp(text: str, st: str | None, warnings: list[str]) -> CP:
    """Parse the text between ``CP=&&`` and the closing ``&&``."""
    if text and "//" not in text and " " not in text and "\t" not in text:
        cp = _parse_planned(text, st)
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
        code, slot = cache.get(key) or _classify(key)
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


# -- fast path -------------------------------------------------------------------
# A device sends the same keys in the same order packet after packet. For such
# a key sequence (and medium) a plan is made once: which values are numbers and
# which Param slot each value fills. Applying it is a few C-level calls plus one
# Param per factor. It gives exactly what _parse_generic gives (a test checks)
# and declines, returning None, whenever _parse_generic would warn or needs
# Param.extra or facilities: then the generic path runs.

Picker = Callable[[Sequence[Any]], tuple[Any, ...]]


def _picker(indices: list[int]) -> Picker:
    if len(indices) == 1:
        only = indices[0]
        return lambda seq: (seq[only],)
    getter: Picker = itemgetter(*indices)
    return getter


class _Plan:
    __slots__ = ("numeric", "params")

    def __init__(self, numeric: Picker | None, params: list[tuple[str, str, Picker]]) -> None:
        self.numeric = numeric
        self.params = params


_DECLINE = _Plan(None, [])
_plans: dict[tuple[str | None, tuple[str, ...]], _Plan] = {}


def _make_plan(medium: str | None, st: str | None, keys: tuple[str, ...]) -> _Plan:
    numeric: list[int] = []
    slots: dict[str, dict[int, int]] = {}  # original code -> slot -> position in values
    for position, key in enumerate(keys):
        code, slot = _key_cache.get(key) or _classify(key)
        if slot < 0:
            continue
        if slot >= _EXTRA:
            return _DECLINE
        if slot < _TEXT_SLOT:
            numeric.append(position)
        slots.setdefault(code, {})[slot] = position
    where = {position: k for k, position in enumerate(numeric)}  # numbers come first in the combined list
    none = len(numeric) + len(keys)
    params: list[tuple[str, str, Picker]] = []
    seen: set[str] = set()
    for original, by_slot in slots.items():
        code = normalize_code(original, st)
        if code in seen:
            return _DECLINE
        seen.add(code)
        indices = []
        for slot in range(_EXTRA):
            at = by_slot.get(slot)
            if at is None:
                indices.append(none)
            else:
                indices.append(where[at] if slot < _TEXT_SLOT else len(numeric) + at)
        params.append((code, original, _picker(indices)))
    return _Plan(_picker(numeric) if numeric else None, params)


_ALTERNATING = b"=," * 5000  # "k=v,k=v,...": what the separators of a plain CP look like
_NOT_SEPARATOR = bytes(c for c in range(256) if c not in b";,=")


def _plain_fields(text: str) -> dict[str, str] | None:
    """``fields`` when every item is exactly one ``key=value`` and keys are unique."""
    separators = text.encode().translate(None, _NOT_SEPARATOR).replace(b";", b",")
    if separators != _ALTERNATING[: len(separators)] or not separators.endswith(b"="):
        return None
    parts = text.replace(";", ",").replace("=", ",").split(",")
    keys = parts[0::2]
    fields = dict(zip(keys, parts[1::2], strict=True))
    if len(fields) != len(keys) or "" in fields:
        return None
    return fields


def _parse_planned(text: str, st: str | None) -> CP | None:
    fields = _plain_fields(text)
    if fields is None:
        return None
    medium = medium_of(st)
    key = (medium, tuple(fields))
    plan = _plans.get(key)
    if plan is None:
        if len(_plans) >= _CACHE_MAX:
            _plans.clear()
        plan = _plans[key] = _make_plan(medium, st, key[1])
    if plan is _DECLINE:
        return None
    values = list(fields.values())
    combined: list[Any] = values
    if plan.numeric is not None:
        try:
            combined = list(map(float, plan.numeric(values)))
        except ValueError:
            return None
        if not math.isfinite(sum(combined)) or "_" in text:
            return None
        combined += values
    combined.append(None)
    params = {code: new_param(code, original, pick(combined), {}) for code, original, pick in plan.params}
    return CP(text, fields, fields.get("DataTime"), params, {})
