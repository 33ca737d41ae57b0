"""The CP data area: ``key=value`` pairs into fields, factors and facilities.

``;`` separates items and ``,`` the values of one item (§6.3.3); both only
split pairs here, so ``fields`` is the flat key -> value map. ``xxxxxx-Info``
values wrapped in ``//...//`` may contain separators and UTF-8 text and are
kept whole. Numbers that do not parse are kept as strings in ``Param.extra``
and noted in ``warnings``; nothing here raises.
"""

from __future__ import annotations

from .codes import normalize_code
from .packet import CP, Equipment, Param

_NUMERIC = frozenset({"Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax"})
_TEXT = frozenset({"Flag", "EFlag", "SampleTime", "Info"})


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
    strip = " " in text or "\t" in text
    pairs = []
    for item in text.replace(";", ",").split(","):
        key, eq, value = item.partition("=")
        if strip:
            key, value = key.strip(), value.strip()
        if eq and key:
            pairs.append((key, value))
        elif item.strip():
            warnings.append(f"CP item without key=value: {item[:40]!r}")
    return pairs


def _float(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    # float() also takes "nan", "inf" and "1_000": none of them is an HJ 212 number.
    return x if x - x == 0.0 and "_" not in text else None


def _param(code: str, original: str, values: dict[str, str], warnings: list[str]) -> Param:
    nums: dict[str, float] = {}
    texts: dict[str, str] = {}
    extra: dict[str, str] = {}
    for suffix, value in values.items():
        if suffix in _NUMERIC:
            x = _float(value)
            if x is None:
                extra[suffix] = value
                warnings.append(f"{original}-{suffix} is not a number: {value[:40]!r}")
            else:
                nums[suffix] = x
        elif suffix in _TEXT:
            texts[suffix] = value
        else:
            extra[suffix] = value
    info = texts.get("Info")
    if info is not None and len(info) >= 4 and info.startswith("//") and info.endswith("//"):
        info = info[2:-2]
    get = nums.get
    return Param(
        code, original, get("Rtd"), get("Min"), get("Avg"), get("Max"), get("Cou"),
        get("ZsRtd"), get("ZsMin"), get("ZsAvg"), get("ZsMax"),
        texts.get("Flag"), texts.get("EFlag"), texts.get("SampleTime"), info, extra,
    )  # fmt: skip


def _equipment(name: str, values: dict[str, str], warnings: list[str]) -> Equipment:
    rs_text, rt_text = values.get("RS"), values.get("RT")
    rs = int(rs_text) if rs_text is not None and rs_text.isascii() and rs_text.isdigit() else None
    rt = _float(rt_text) if rt_text is not None else None
    if (rs_text is not None and rs is None) or (rt_text is not None and rt is None):
        warnings.append(f"{name} RS/RT not numbers: {rs_text!r}/{rt_text!r}")
    return Equipment(rs, rt)


def parse_cp(text: str, st: str | None, warnings: list[str]) -> CP:
    """Parse the text between ``CP=&&`` and the closing ``&&``."""
    fields: dict[str, str] = {}
    for key, value in _pairs(text, warnings):
        if key in fields:
            warnings.append(f"duplicate CP key {key} (last kept)")
        fields[key] = value
    groups: dict[str, dict[str, str]] = {}
    facilities: dict[str, dict[str, str]] = {}
    for key, value in fields.items():
        code, dash, suffix = key.rpartition("-")
        if not dash or not code:
            continue
        if code.startswith("SB") and (suffix == "RS" or suffix == "RT"):
            facilities.setdefault(code, {})[suffix] = value
        elif code in groups:
            groups[code][suffix] = value
        else:
            groups[code] = {suffix: value}
    params: dict[str, Param] = {}
    for original, values in groups.items():
        code = normalize_code(original, st)
        if code in params:
            warnings.append(f"{original} and {params[code].original_code} are both {code} (last kept)")
        params[code] = _param(code, original, values, warnings)
    equipment = {name: _equipment(name, values, warnings) for name, values in facilities.items()}
    return CP(text, fields, fields.get("DataTime"), params, equipment)
