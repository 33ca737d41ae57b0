"""The shipped data files are the ones SOURCES.md records (edits must be recorded there)."""

from __future__ import annotations

import hashlib
import json
import re
from importlib.resources import files

from qingyuan.standards import _data

_DATA = files("qingyuan.standards").joinpath("data")


def _recorded_hashes() -> dict[str, str]:
    text = _DATA.joinpath("SOURCES.md").read_text(encoding="utf-8")
    return {name: digest for digest, name in re.findall(r"^sha256 ([0-9a-f]{64})  (\S+)$", text, re.M)}


def test_it_ships_exactly_the_files_recorded_in_sources_md() -> None:
    recorded = _recorded_hashes()
    assert set(recorded) == {_data.POLLUTANT_CODES, _data.DISCHARGE_LIMITS, _data.SURFACE_WATER,
                             _data.REST_DAYS}
    for name, digest in recorded.items():
        assert hashlib.sha256(_DATA.joinpath(name).read_bytes()).hexdigest() == digest, name


def test_it_has_no_duplicate_keys_in_any_json_object() -> None:
    def refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    for name in _recorded_hashes():
        json.loads(_DATA.joinpath(name).read_text(encoding="utf-8"), object_pairs_hook=refuse_duplicates)


def _source_ids(node: object, key: str | None = None) -> set[str]:
    """Every id listed under a "sources" key anywhere in ``node``."""
    if isinstance(node, dict):
        return {i for k, v in node.items() for i in _source_ids(v, k)}
    if isinstance(node, list):
        own = {x for x in node if isinstance(x, str)} if key == "sources" else set()
        return own.union(*(_source_ids(v) for v in node))
    return set()


def test_it_lists_the_original_sources_of_every_row() -> None:
    for name in set(_recorded_hashes()) - {_data.REST_DAYS}:  # the rest days name their notice per year
        doc = _data.load(name)
        declared = {s["id"] for s in doc["source"]}
        assert _source_ids(doc) <= declared, name
