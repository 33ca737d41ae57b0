"""The optimised paths give exactly what the plain ones give."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from qingyuan.hj212.cp import _parse_generic, parse_cp
from qingyuan.hj212.packet import Param, new_param
from qingyuan.hj212.segment import _parse_header


def test_it_builds_the_same_param_as_the_constructor() -> None:
    names = [f.name for f in dataclasses.fields(Param)]
    values = tuple(f"v{k}" for k in range(len(names)))
    fast = new_param(values[0], values[1], values[2:-1], {"x": "1"})
    slow = Param(*values[:-1], {"x": "1"})  # type: ignore[arg-type, call-arg]
    assert fast == slow
    assert [getattr(fast, n) for n in names] == [*values[:-1], {"x": "1"}]
    assert len(values[2:-1]) == 13


keys = st.sampled_from(
    ["w01018-Rtd", "w01018-Flag", "w01018-Avg", "001-Min", "B01-Cou", "a21026-ZsAvg", "a21026-Info", "DataTime",
     "SB1-RS", "w01018-ValidNum", "01-Max", "a34013-Max", "", "x", "w01018-EFlag", "i11001-Info"]
)  # fmt: skip
values = st.sampled_from(["1.5", "-0.041", "N", "", "nan", "1e999", "1_0", "20160801000000", "abc", "0"])
seps = st.sampled_from([";", ",", ";;", "=", ""])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(keys, values, seps), max_size=12), st.sampled_from(["32", "31", "23", None]))
def test_it_parses_cp_the_same_on_the_planned_and_generic_paths(items: list[tuple[str, str, str]], st_: str | None) -> None:
    text = "".join(f"{k}={v}{s}" for k, v, s in items).rstrip(";,")
    fast_warnings: list[str] = []
    generic_warnings: list[str] = []
    fast = parse_cp(text, st_, fast_warnings)
    generic = _parse_generic(text, st_, generic_warnings)
    assert fast == generic
    assert list(fast.params) == list(generic.params)
    assert fast_warnings == generic_warnings
    assert parse_cp(text, st_, []) == generic  # again, from the cached plan


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["QN", "ST", "CN", "Flag", "FLAG", "PNO", "RF", "mn"]),
                          st.sampled_from(["1", "32", "", "20160801085857223"])), max_size=8))
def test_it_parses_headers_the_same_on_the_fast_and_slow_paths(items: list[tuple[str, str]]) -> None:
    head = ";".join(f"{k}={v}" for k, v in items)
    fast = _parse_header(head, [])
    slow = _parse_header(head + ";", [])  # the trailing ";" forces the slow path
    assert fast == slow
