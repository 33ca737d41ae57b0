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

New measurements are the exception: with devices reporting, the quality computation stores hours and
days every few minutes, and recomputing on every one would put the cold path (a few hundred
milliseconds at a province's size) in front of most leaders' views. So what it stores bumps a second
version, the *measured* one: a figure computed before the latest measurements is still served for up to
``QINGYUAN_FIGURES_MAX_LAG`` seconds (default 120) while the worker (``refresh``, every few seconds)
recomputes it. An edit of a watched row (a target, a baseline, a status) is shown at once.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
VERSION_KEY = "loads:data-version"
MEASURED_KEY = "loads:measured-version"
WANTED_KEY = "loads:stale"
_COMPUTE: dict[str, Callable[[int, dt.date], Any]] = {}
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


def _set_measured() -> None:
    cache.set(MEASURED_KEY, _new_version(), None)


def _bump(setter: Callable[[], None]) -> None:
    """A new version now (the writing connection reads its own rows) and again when the current
    transaction commits (one commit callback per transaction however many rows it writes)."""
    setter()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(entry[1] is setter for entry in connection.run_on_commit):
        transaction.on_commit(setter)


def bump() -> None:
    """A watched row changed: figures computed before are recomputed on the next view."""
    _bump(_set_new)


def bump_measured() -> None:
    """New measurements stored: figures computed before them may be served a while longer (``refresh``)."""
    _bump(_set_measured)


def _current(key: str) -> str:
    found = cache.get(key)
    if found is None:
        found = _new_version()
        cache.add(key, found, None)
        found = cache.get(key) or found
    return str(found)


def version() -> str:
    return _current(VERSION_KEY)


def measured() -> str:
    return _current(MEASURED_KEY)


def max_lag() -> float:
    return float(getattr(settings, "QINGYUAN_FIGURES_MAX_LAG", 120))


def register(name: str, compute: Callable[[int, dt.date], Any]) -> None:
    """How the figures called ``name`` are computed for a park and day: what ``refresh`` runs."""
    _COMPUTE[name] = compute


def cached(name: str, park_id: int, as_of: dt.date, compute: Callable[[], T] | None = None) -> T:
    """The figures ``name`` of a park and day: from the cache when no watched row changed since they were
    computed and they are not older than the latest measurements by more than ``max_lag()`` seconds
    (then the worker is asked to recompute them); else computed now. ``compute`` defaults to the
    registered computation."""
    key = f"loads:{name}:{park_id}:{as_of.isoformat()}:{version()}"
    stamp = measured()
    found = cache.get(key)
    if found is not None:
        seen, computed_at, value = found
        if seen == stamp:
            return value
        if time.time() - computed_at < max_lag():
            _want(name, park_id, as_of)
            return value
    value = compute() if compute is not None else _COMPUTE[name](park_id, as_of)
    cache.set(key, (stamp, time.time(), value), TTL)
    return value


def _want(name: str, park_id: int, as_of: dt.date) -> None:
    wanted = cache.get(WANTED_KEY) or set()
    item = (name, park_id, as_of.isoformat())
    if item not in wanted:
        cache.set(WANTED_KEY, wanted | {item}, TTL)


def refresh() -> bool:
    """Worker step: recompute the figures served stale since the last run (a request that races with it
    only adds itself again). Returns False: one pass per run."""
    wanted = cache.get(WANTED_KEY)
    if not wanted:
        return False
    cache.delete(WANTED_KEY)
    for name, park_id, day in sorted(wanted):
        if name not in _COMPUTE:
            continue
        as_of = dt.date.fromisoformat(day)
        key = f"loads:{name}:{park_id}:{day}:{version()}"
        stamp = measured()
        cache.set(key, (stamp, time.time(), _COMPUTE[name](park_id, as_of)), TTL)
    return False


def _on_change(sender: Any, **kwargs: Any) -> None:
    bump()


def _on_stored(period: str) -> None:
    bump_measured()


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
