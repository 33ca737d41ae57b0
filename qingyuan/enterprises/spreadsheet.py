"""Excel export, template and import of the enterprise register."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingyuan.core.excel import read_rows, workbook_bytes
from qingyuan.enterprises.choices import Industry, RiskClass
from qingyuan.enterprises.models import Enterprise
from qingyuan.enterprises.validators import validate_credit_code
from qingyuan.org.models import Park, Unit

# (field, header label); labels are translated, and imports accept either language.
COLUMNS = [
    ("name", gettext_noop("Enterprise name")),
    ("credit_code", gettext_noop("Unified social credit code")),
    ("legal_representative", gettext_noop("Legal representative")),
    ("industry", gettext_noop("Industry")),
    ("address", gettext_noop("Address")),
    ("longitude", gettext_noop("Longitude")),
    ("latitude", gettext_noop("Latitude")),
    ("risk_class", gettext_noop("Risk class")),
    ("linked_unit", gettext_noop("Linked unit")),
    ("contact_phone", gettext_noop("Contact phone")),
]
REQUIRED = {"name", "credit_code", "legal_representative", "industry", "address", "risk_class"}


def headers() -> list[str]:
    return [_(label) for _field, label in COLUMNS]


def export_bytes(enterprises: Iterable[Enterprise]) -> bytes:
    head = [*headers(), _("Status"), _("Status since"), _("Park")]
    rows = (
        [e.name, e.credit_code, e.legal_representative, e.get_industry_display(), e.address,
         e.longitude, e.latitude, e.get_risk_class_display(), str(e.linked_unit or ""), e.contact_phone,
         e.get_status_display(), e.status_since, e.park.name]
        for e in enterprises
    )
    return workbook_bytes(_("Enterprises"), head, rows)


def template_bytes() -> bytes:
    notes = [
        _("One enterprise per row, from row 2. Columns marked in the header are required: name, credit code, "
          "legal representative, industry, address, risk class."),
        _("Industry: one of %(list)s.") % {"list": "; ".join(f"{c.value} {c.label}" for c in Industry)},
        _("Risk class: one of %(list)s.") % {"list": "; ".join(str(c.label) for c in RiskClass)},
        _("Linked unit: the unit's name exactly as in Qingyuan. Coordinates in decimal degrees (WGS 84)."),
        _("If any row has an error, nothing is imported and every error is listed."),
    ]
    return workbook_bytes(_("Enterprises"), headers(), [], notes=notes)


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


def _header_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for field, label in COLUMNS:
                mapping[_(label)] = field
    return mapping


def _choice(value: str, choices: type[Industry] | type[RiskClass]) -> str | None:
    for choice in choices:
        names = {choice.value.lower()}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                names.add(str(choice.label).lower())
        if value.lower() in names or value.split(" ")[0].lower() == choice.value.lower():
            return choice.value
    return None


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip()).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise ValueError(_("not a number")) from None


def parse(upload: Any, park: Park, *, max_rows: int) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Read and validate every row; return the rows ready to create, or every error found."""
    header, data = read_rows(upload, max_rows=max_rows)
    hmap = _header_map()
    fields = [hmap.get(h) for h in header]
    labels = dict(zip([f for f, _l in COLUMNS], headers(), strict=True))
    errors: list[RowError] = []
    missing = [labels[f] for f, _l in COLUMNS if f in REQUIRED and f not in fields]
    if missing:
        return [], [RowError(1, _("Header"), _("Missing columns: %(cols)s") % {"cols": ", ".join(missing)})]
    units = {u.name: u for u in Unit.objects.filter(park=park)} | {
        u.short_name: u for u in Unit.objects.filter(park=park) if u.short_name}
    seen_codes: dict[str, int] = {}
    existing = set(Enterprise.objects.values_list("credit_code", flat=True))
    rows: list[dict[str, Any]] = []
    for number, values in data:
        raw = {f: ("" if v is None else str(v).strip()) for f, v in zip(fields, values, strict=False) if f}
        row_errors: list[RowError] = []

        def err(field: str, message: str, number: int = number, row_errors: list[RowError] = row_errors) -> None:
            row_errors.append(RowError(number, labels[field], message))

        for field in REQUIRED:
            if not raw.get(field):
                err(field, _("This field is required."))
        values_out: dict[str, Any] = {"park": park}
        for field in ("name", "legal_representative", "address", "contact_phone"):
            values_out[field] = raw.get(field, "")
        code = raw.get("credit_code", "").upper()
        values_out["credit_code"] = code
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as exc:
                err("credit_code", exc.messages[0])
        if code and code in existing:
            err("credit_code", _("An enterprise with this credit code already exists."))
        elif code and code in seen_codes:
            err("credit_code", _("Same credit code as row %(row)d.") % {"row": seen_codes[code]})
        seen_codes.setdefault(code, number)
        for field, choices in (("industry", Industry), ("risk_class", RiskClass)):
            if raw.get(field):
                value = _choice(raw[field], choices)
                if value is None:
                    err(field, _("“%(value)s” is not a known value.") % {"value": raw[field]})
                values_out[field] = value or ""
        for field in ("longitude", "latitude"):
            try:
                values_out[field] = _decimal(raw.get(field))
            except ValueError as exc:
                err(field, str(exc))
        unit_name = raw.get("linked_unit", "")
        values_out["linked_unit"] = units.get(unit_name) if unit_name else None
        if unit_name and values_out["linked_unit"] is None:
            err("linked_unit", _("No unit named “%(name)s” in this park.") % {"name": unit_name})
        if not row_errors:
            candidate = Enterprise(**values_out)
            try:
                candidate.full_clean(validate_unique=False)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        row_errors.append(RowError(number, labels.get(field, field), message))
        errors.extend(row_errors)
        rows.append(values_out)
    return ([] if errors else rows), errors
