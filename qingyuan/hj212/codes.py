"""Code tables: pollutant codes (2005 -> 2017) and the upload kinds of CN.

The pollutant table ships in ``data/pollutant_codes_2017.csv`` (HJ 212-2017
Appendix B; see ``data/SOURCES.md``) and is loaded once with importlib.resources.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from importlib import resources


class DataKind(enum.Enum):
    """The periodic uploads, by their CN."""

    REALTIME = "2011"
    MINUTE = "2051"
    HOUR = "2061"
    DAY = "2031"

    @classmethod
    def from_cn(cls, cn: str | None) -> DataKind | None:
        """The kind of upload a CN carries, or None for any other command."""
        return _KIND_BY_CN.get(cn) if cn is not None else None


_KIND_BY_CN = {kind.value: kind for kind in DataKind}


@dataclass(frozen=True, slots=True)
class PollutantCode:
    """One row of Appendix B."""

    code: str
    name_zh: str
    code2005: str | None
    unit_conc: str
    unit_amount: str
    default_type: str

    @property
    def medium(self) -> str:
        """``"water"`` for w-codes, ``"gas"`` for a-codes."""
        return "water" if self.code.startswith("w") else "gas"


def _load() -> dict[str, PollutantCode]:
    text = resources.files("qingyuan.hj212").joinpath("data").joinpath("pollutant_codes_2017.csv").read_text("utf-8")
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        rows[row["code2017"]] = PollutantCode(
            code=row["code2017"],
            name_zh=row["name_zh"],
            code2005=row["code2005"] or None,
            unit_conc=row["unit_conc"],
            unit_amount=row["unit_amount"],
            default_type=row["default_type"],
        )
    return rows


POLLUTANT_CODES: dict[str, PollutantCode] = _load()

# ST (system code, Table 5) -> medium whose 2005 codes apply.
_WATER_ST = frozenset({"21", "24", "26", "32", "33", "34", "52"})
_GAS_ST = frozenset({"22", "27", "31", "39", "51"})

_OLD_WATER = {p.code2005: p.code for p in POLLUTANT_CODES.values() if p.code2005 and p.medium == "water"}
_OLD_GAS = {p.code2005: p.code for p in POLLUTANT_CODES.values() if p.code2005 and p.medium == "gas"}
# The two 2005 tables share no code, so an unknown medium can use both.
_OLD_ANY = {**_OLD_WATER, **_OLD_GAS}
_OLD_BY_MEDIUM = {"water": _OLD_WATER, "gas": _OLD_GAS}


def medium_of(st: str | None) -> str | None:
    """``"water"``, ``"gas"`` or None (noise, soil, replies, unknown ST)."""
    if st in _WATER_ST:
        return "water"
    if st in _GAS_ST:
        return "gas"
    return None


def normalize_code(code: str, st: str | None) -> str:
    """The 2017 code for a 2005 factor code; any other code unchanged.

    The medium comes from ST: old water ``001`` is pH (w01001), old gas ``01`` is
    particulates (a34013). A water ST never maps a gas code and vice versa; an
    ST of neither medium uses both tables (they do not overlap).
    """
    if st in _WATER_ST:
        return _OLD_WATER.get(code, code)
    if st in _GAS_ST:
        return _OLD_GAS.get(code, code)
    return _OLD_ANY.get(code, code)


def is_2005_code(code: str) -> bool:
    """True if ``code`` is a factor code of either 2005 table (``011``, ``01``, ``B02``, ``S01``...)."""
    return code in _OLD_ANY


def code_for_medium(code: str, medium: str) -> str:
    """The 2017 code for a 2005 factor code read in ``medium``'s table; any other code unchanged.

    For a receiver that knows the point's medium: a logger that sends gas codes under a
    water ST (or the reverse) is read by the point, not by the ST. A code of the other
    medium's table stays as sent (a gas point's ``023`` is a vendor code, not total chromium).
    """
    table = _OLD_BY_MEDIUM.get(medium)
    if table is None:
        raise ValueError(f"medium must be 'water' or 'gas', got {medium!r}")
    return table.get(code, code)
