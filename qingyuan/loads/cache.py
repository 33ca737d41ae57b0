"""The park's load and capacity figures, cached under a data version that every writer of their inputs bumps.

The cockpit's load tile (``park.park_figures``) and capacity tile (``ledger.capacity``) depend only on
stored rows: monthly and daily values, the ledger, baselines, the load policy, excluded points, permit
limits, stop declarations, the park plan's load targets, and the enterprises, outlets and points (routes,
statuses). Adding them up takes a few hundred milliseconds at a province's size, so a leader's repeated
views read them from the cache (the ``default`` cache: shared by every process).

Invalidation: one version number in the cache, part of every key. It is bumped

* by the quality computation when it stores days or months (``quality.compute.register_stored_listener``:
  upserts, no model signals);
* on every ``save``/``delete`` of the models above (signals connected in ``LoadsConfig.ready``);
* again when the writing transaction commits, so a reader that computed inside the window between the
  first bump and the commit does not keep stale figures under the new version.

A writer that bypasses both (a raw ``QuerySet.update`` or ``bulk_create`` on those tables outside the
quality computation) is caught by the TTL: figures are never older than ``TTL`` seconds. The key also
holds the day (``as_of``), so a new day recomputes the projection.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
VERSION_KEY = "loads:data-version"
TTL = 300  # seconds: the backstop for a writer that bumps nothing

# The models whose rows the figures read: (app label, model name).
WATCHED = (
    ("loads", "LoadPolicy"), ("loads", "BaselineLoad"), ("loads", "ExcludedPoint"), ("loads", "LedgerEntry"),
    ("loads", "NewProject"), ("loads", "ProjectLoad"),
    ("enterprises", "Enterprise"), ("enterprises", "Outlet"), ("enterprises", "MonitoringPoint"),
    ("enterprises", "PermitLimit"), ("quality", "StopDeclaration"), ("quality", "DailyValue"),
    ("quality", "MonthlyValue"), ("plans", "ParkPlan"), ("plans", "LoadTarget"),
)


def _new_version() -> str:
    return f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"


def _set_new() -> None:
    cache.set(VERSION_KEY, _new_version(), None)


def bump() -> None:
    """A new data version now (the writing connection reads its own rows) and again when the current
    transaction commits (one commit callback per transaction however many rows it writes)."""
    _set_new()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(entry[1] is _set_new for entry in connection.run_on_commit):
        transaction.on_commit(_set_new)


def version() -> str:
    found = cache.get(VERSION_KEY)
    if found is None:
        found = _new_version()
        cache.add(VERSION_KEY, found, None)
        found = cache.get(VERSION_KEY) or found
    return str(found)


def cached(name: str, park_id: int, as_of: dt.date, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned for the same park, day and data version within ``TTL``."""
    key = f"loads:{name}:{park_id}:{as_of.isoformat()}:{version()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TTL)
    return found


def _on_change(sender: Any, **kwargs: Any) -> None:
    bump()


def _on_stored(period: str) -> None:
    bump()


def connect() -> None:
    """Bump the version on every save and delete of the watched models and whenever the quality computation
    stores days or months (from ``LoadsConfig.ready``)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from qingyuan.quality.compute import register_stored_listener

    register_stored_listener(_on_stored)
    for label, name in WATCHED:
        model = apps.get_model(label, name)
        post_save.connect(_on_change, sender=model, dispatch_uid=f"loads.cache.save.{label}.{name}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"loads.cache.delete.{label}.{name}")
