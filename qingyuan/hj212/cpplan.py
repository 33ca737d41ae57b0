"""The CP fast path: a plan per key layout, compiled once, applied per packet.

A device sends the same keys in the same order packet after packet. For such a
key sequence (and medium) a plan is made once:

- a regular expression that matches exactly that sequence of plain
  ``key=value`` items (no whitespace, no ``//``) and captures the values;
- a builder function, generated for the layout, that converts the numeric
  values with ``float``, fills one ``Param`` per factor slot by slot and
  returns the ``CP`` (whose ``fields`` dict is made on first read, see
  ``packet._FieldsSlot``). The generated source contains only indices and fixed
  attribute names: device text (keys, codes) reaches it as closure values.

The plan a device used last is tried first (its regex verifies the layout);
otherwise the key sequence is split out of the text and its plan looked up or
made. The result is exactly what ``cp._parse_generic`` gives (a property test
checks); the fast path declines (None) whenever the generic path would warn or
need ``Param.extra`` or facilities, and the generic path then runs. It never
depends on the device hint: a hint only chooses which regex to try first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from .codes import medium_of, normalize_code
from .packet import CP, Param, builder_class

# Where a CP key's value goes: (factor code, slot). Slots 0-8 are the numeric
# Param fields, 9-12 the text ones, _EXTRA anything else; SB facilities get
# _RS/_RT; keys without "-" are _PLAIN. Keys repeat across packets, so the
# answer is cached (bounded: cleared when it grows past _CACHE_MAX).
_SUFFIXES = ("Rtd", "Min", "Avg", "Max", "Cou", "ZsRtd", "ZsMin", "ZsAvg", "ZsMax", "Flag", "EFlag", "SampleTime", "Info")
_SLOTS = {name: k for k, name in enumerate(_SUFFIXES)}
_TEXT_SLOT = 9
_EXTRA, _RS, _RT = 13, 14, 15
_PLAIN = ("", -1)
_CACHE_MAX = 4096
_KEY_CHARS_MAX = 64  # longer keys (HJ 212 keys have under 20) are not cached and get no plan
_LAYOUT_KEYS_MAX = 400  # longer layouts (far above the standard's 1024 bytes) take the generic path
_key_cache: dict[str, tuple[str, int]] = {}

# The Param attributes for slots 0-12, in order (checked against the class below).
_ATTRS = ("rtd", "min", "avg", "max", "cou", "zs_rtd", "zs_min", "zs_avg", "zs_max", "flag", "eflag", "sample_time",
          "info")  # fmt: skip
assert Param.__slots__ == ("code", "original_code", *_ATTRS, "extra")


def classify(key: str) -> tuple[str, int]:
    """(factor code, slot) of a CP key, cached."""
    info = _key_cache.get(key)
    if info is not None:
        return info
    code, dash, suffix = key.rpartition("-")
    if not dash or not code:
        info = _PLAIN
    elif code.startswith("SB") and suffix in ("RS", "RT"):
        info = (code, _RS if suffix == "RS" else _RT)
    else:
        info = (code, _SLOTS.get(suffix, _EXTRA))
    if len(key) <= _KEY_CHARS_MAX:
        if len(_key_cache) >= _CACHE_MAX:
            _key_cache.clear()
        _key_cache[key] = info
    return info


Builder = Callable[[str, Sequence[str]], CP | None]


_ASCII_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f "  # what str.strip() strips in ASCII text


class _Plan:
    __slots__ = ("ascii_match", "keys", "build", "_match")

    def __init__(self, keys: tuple[str, ...], build: Builder) -> None:
        # "k1=v1[;,]k2=v2...": the values are the groups. Whitespace is excluded
        # because the generic path strips it (_plain_fields declines it too); a
        # class of ASCII characters is faster for sre than \s, which only
        # non-ASCII texts need.
        self.ascii_match = self._compile(keys, f"[^;,={_ASCII_SPACE}]")
        self.keys = keys
        self.build = build
        self._match: Callable[[str], re.Match[str] | None] | None = None

    @staticmethod
    def _compile(keys: tuple[str, ...], value: str) -> Callable[[str], re.Match[str] | None]:
        return re.compile("[;,]".join(f"{re.escape(key)}=({value}*+)" for key in keys)).fullmatch

    def match(self, text: str) -> re.Match[str] | None:
        if text.isascii():
            return self.ascii_match(text)
        if self._match is None:
            self._match = self._compile(self.keys, "[^;,=\\s]")
        return self._match(text)


# Caches. Making a plan compiles a regex and a function (about 2-4 ms for a
# 50-key layout) and keeps about 500 bytes per key, so the caches are bounded
# (plans by their total keys, about 16 MB at most; the others hold hashes)
# and a flood of ever-new layouts cannot turn into a flood of compilations:
# a layout gets a plan the second time it is seen, and compiling spends credit
# that every CP parsed earns (_CREDIT_PER_PLAN CPs per plan in the long run,
# after a burst for a gateway starting up). Until then the generic path parses
# it, with the same result.
Layout = tuple[str | None, tuple[str, ...]]  # (medium, keys)
_PLAN_KEYS_MAX = 1 << 15  # all cached plans together; cleared when full
_CREDIT_PER_PLAN = 32
_CREDIT_MAX = 1024 * _CREDIT_PER_PLAN


class _Caches:
    __slots__ = ("plans", "by_device", "seen", "keys", "credit")

    def __init__(self) -> None:
        self.plans: dict[Layout, _Plan | None] = {}  # None: the layout needs the generic path
        # hash of a device hint -> the medium and plan it used last (a plan's codes depend on the medium)
        self.by_device: dict[int, tuple[str | None, _Plan]] = {}
        self.seen: set[int] = set()  # hashes of layouts seen once (a collision only plans early)
        self.keys = 0  # keys in self.plans
        self.credit = _CREDIT_MAX

    def plan(self, layout: Layout, st: str | None) -> _Plan | None:
        """The plan of ``layout``, made if it is due and affordable (None: generic path)."""
        if layout in self.plans:
            return self.plans[layout]
        if hash(layout) not in self.seen:
            if len(self.seen) >= _CACHE_MAX:
                self.seen.clear()
            self.seen.add(hash(layout))
            return None
        self.credit = min(self.credit, _CREDIT_MAX)
        if self.credit < _CREDIT_PER_PLAN:
            return None
        self.credit -= _CREDIT_PER_PLAN
        self.seen.discard(hash(layout))
        if self.keys + len(layout[1]) > _PLAN_KEYS_MAX or len(self.plans) >= _CACHE_MAX:
            self.plans.clear()
            self.by_device.clear()
            self.keys = 0
        plan = self.plans[layout] = _make_plan(st, layout[1])
        self.keys += len(layout[1])
        return plan


_caches = _Caches()


def _make_plan(st: str | None, keys: tuple[str, ...]) -> _Plan | None:
    if len(keys) > _LAYOUT_KEYS_MAX or max(map(len, keys), default=0) > _KEY_CHARS_MAX:
        return None
    numeric: list[int] = []
    slots: dict[str, dict[int, int]] = {}  # original code -> slot -> position in values
    for position, key in enumerate(keys):
        code, slot = classify(key)
        if slot < 0:
            continue
        if slot >= _EXTRA:
            return None
        if slot < _TEXT_SLOT:
            numeric.append(position)
        slots.setdefault(code, {})[slot] = position
    codes: list[str] = []
    for original in slots:
        code = normalize_code(original, st)
        if code in codes:
            return None  # two original codes for one factor: generic warns
        codes.append(code)
    return _Plan(keys, _generate(keys, numeric, list(slots.values()), codes, list(slots)))


def _generate(keys: tuple[str, ...], numeric: list[int], slots: list[dict[int, int]], codes: list[str],
              originals: list[str]) -> Builder:  # fmt: skip
    """The builder for one layout: straight-line code, one statement per value."""
    body = []
    if numeric:
        body += ["try:", *(f"    x{p} = _float(g[{p}])" for p in numeric), "except ValueError:", "    return None"]
        # float() also takes "nan", "inf" and "1_000": none of them is an HJ 212 number
        body += [f"if not _isfinite(_sum(({''.join(f'x{p}, ' for p in numeric)}))) or '_' in raw:", "    return None"]
    for k, by_slot in enumerate(slots):
        body += [f"p{k} = _ParamB()", f"p{k}.code = c{k}", f"p{k}.original_code = o{k}"]
        for slot, attr in enumerate(_ATTRS):
            at = by_slot.get(slot)
            body.append(f"p{k}.{attr} = {'None' if at is None else f'x{at}' if slot < _TEXT_SLOT else f'g[{at}]'}")
        body += [f"p{k}.extra = {{}}", f"p{k}.__class__ = _Param"]
    data_time = f"g[{keys.index('DataTime')}]" if "DataTime" in keys else "None"
    body += [
        "cp = _CPB()",
        "cp.raw = raw",
        "cp.fields = (keys, g)",  # made a dict on first read: packet._FieldsSlot
        f"cp.data_time = {data_time}",
        f"cp.params = {{{''.join(f'c{k}: p{k}, ' for k in range(len(slots)))}}}",
        "cp.equipment = {}",
        "cp.__class__ = _CP",
        "return cp",
    ]
    names = [f"c{k}, o{k}" for k in range(len(slots))]
    source = f"def factory({', '.join(['keys', *names])}):\n    def build(raw, g):\n"
    source += "".join(f"        {line}\n" for line in body) + "    return build\n"
    namespace: dict[str, Any] = {
        "_float": float, "_isfinite": math.isfinite, "_sum": sum,
        "_ParamB": builder_class(Param), "_Param": Param, "_CPB": builder_class(CP), "_CP": CP,
    }  # fmt: skip
    exec(compile(source, "<hj212 CP plan>", "exec"), namespace)  # noqa: S102 - generated from indices only
    values = [value for pair in zip(codes, originals, strict=True) for value in pair]
    build: Builder = namespace["factory"](keys, *values)
    return build


_ALTERNATING = b"=," * 5000  # "k=v,k=v,...": what the separators of a plain CP look like
_NOT_SEPARATOR = bytes(c for c in range(256) if c not in b";,=")
_SPACE = re.compile(r"\s").search


def _plain_fields(text: str) -> dict[str, str] | None:
    """``fields`` when every item is exactly one ``key=value``, keys are unique and nothing needs stripping."""
    separators = text.encode().translate(None, _NOT_SEPARATOR).replace(b";", b",")
    if separators != _ALTERNATING[: len(separators)] or not separators.endswith(b"=") or _SPACE(text):
        return None
    parts = text.replace(";", ",").replace("=", ",").split(",")
    keys = parts[0::2]
    fields = dict(zip(keys, parts[1::2], strict=True))
    if len(fields) != len(keys) or "" in fields:
        return None
    return fields


def parse_planned(text: str, st: str | None, device: object) -> CP | None:
    """The CP of a plain ``text`` (no ``//``), or None for the generic path."""
    caches = _caches
    caches.credit += 1
    # Keyed by the hint's hash, which is all it takes to choose a regex to try
    # (a collision only costs a failed match) and keeps no device text.
    device_hash = hash(device) if device is not None else 0
    medium = medium_of(st)
    last = caches.by_device.get(device_hash) if device is not None else None
    if last is not None and last[0] == medium:  # the same keys under another ST may name other codes
        used = last[1]
        match = used.ascii_match(text) if text.isascii() else used.match(text)
        if match is not None:
            return used.build(text, match.groups())
    fields = _plain_fields(text)
    if fields is None:
        return None
    plan = caches.plan((medium, tuple(fields)), st)
    if plan is None:
        return None
    if device is not None:
        if len(caches.by_device) >= _CACHE_MAX:
            caches.by_device.clear()
        caches.by_device[device_hash] = (medium, plan)
    return plan.build(text, list(fields.values()))
