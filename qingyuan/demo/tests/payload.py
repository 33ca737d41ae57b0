"""The payload sweep's poison: an HTML/JS payload written into every free-text column.

A column qualifies when it is a CharField or TextField without choices, not unique, not a
key, code or identifier the application parses (codes, MNs, units, standards, passwords,
tokens, file names, e-mail and web addresses...), and not in Django's own tables. Short
columns get the shortest payload that still is markup.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
SHORT = "<xss>'&"
MARKERS = ("<script>alert(1)", "<img src=x onerror", "<xss>")
SKIP_APPS = {"auth", "contenttypes", "sessions", "admin", "axes", "messages", "staticfiles"}
# Names of columns that hold identifiers or values the code parses, not text people wrote.
SKIP_NAMES = ("code", "mn", "password", "pw", "token", "key", "hash", "digest", "salt", "prefix", "pin", "secret",
              "unit", "standard", "parameter", "pollutant", "st", "protocol", "version", "industry", "kind",
              "status", "state", "purpose", "content_type", "mime", "file", "path", "email", "url", "phone", "ip",
              "peer", "address_ip", "lang", "action", "model", "app_label", "object_id", "owner_id", "request_id",
              "number", "credit", "sha", "checksum", "category", "channel", "level", "source_id", "rule",
              "role", "medium", "route", "basis", "flag", "qn", "cn", "checklist", "scope", "field", "name_en")


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    out = []
    for f in model._meta.concrete_fields:
        if not isinstance(f, (models.CharField, models.TextField)) or f.choices or f.unique or f.primary_key:
            continue
        if isinstance(f, (models.EmailField, models.URLField, models.SlugField, models.GenericIPAddressField)):
            continue
        name = f.name.lower()
        if any(name == s or name.endswith("_" + s) or name.startswith(s + "_") for s in SKIP_NAMES):
            continue
        out.append(f)
    return out


def _unique_together(model: type[models.Model]) -> set[str]:
    names = {n for group in model._meta.unique_together for n in group}
    for c in model._meta.constraints:
        if isinstance(c, models.UniqueConstraint):
            names.update(c.fields)
    return names


def _value(f: models.Field[Any, Any], unique: bool) -> Any:
    room = (f.max_length or 10**6) - (8 if unique else 0)
    text = PAYLOAD if room >= len(PAYLOAD) else SHORT[:room]
    return Concat(Value(text), Cast("pk", output_field=models.CharField())) if unique else text


def poison() -> dict[str, int]:
    """Overwrite every free-text column of every row; return how many rows each model had."""
    touched: dict[str, int] = {}
    for model in apps.get_models():
        if model._meta.app_label in SKIP_APPS or model._meta.proxy or not model._meta.managed:
            continue
        fields = columns(model)
        if not fields:
            continue
        together = _unique_together(model)
        values = {f.attname: _value(f, f.name in together) for f in fields}
        rows = model._base_manager.update(**values)
        if rows:
            touched[model._meta.label] = rows
    return touched
