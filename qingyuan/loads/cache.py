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

Two bases: most of the cost is the part read from the measurements (``loads.park.measured_part``: the
year's monthly values, stops, points and routes). It is cached under its own version, ``MASSES_KEY``,
bumped only by the rows it reads (``MASSES_WATCHED``; an enterprise only when created, deleted or moved
to another park), so an edit of a target, baseline, ledger entry, permit or status recomputes only the
cheap remainder. A figure computed from a cached part that was itself served stale carries that part's
age (``_stale_used``): it is recomputed by the worker like the part, never kept as if fresh.

The worker also warms today's figures of every park viewed in the last two days when they are missing
(after midnight, or after an edit nobody has viewed yet), so the first view of a day reads them.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

T = TypeVar("T")
VERSION_KEY = "loads:data-version"
MEASURED_KEY = "loads:measured-version"
MASSES_KEY = "loads:masses-version"
WANTED_KEY = "loads:stale"
SEEN_KEY = "loads:seen"
SEEN_TTL = 2 * 86400  # seconds: a park viewed within two days has its figures warmed for the new day
_COMPUTE: dict[str, Callable[[int, dt.date], Any]] = {}
_BASIS: dict[str, tuple[str, bool]] = {}  # name → (version key, depends on the measurements)
_stale_used: ContextVar[list[float] | None] = ContextVar("loads_cache_stale_used", default=None)
_refreshing: ContextVar[bool] = ContextVar("loads_cache_refreshing", default=False)
TTL = 300  # seconds: the backstop for a writer that bumps nothing

# The models whose rows the figures read: (app label, model name).
WATCHED = (
    ("loads", "LoadPolicy"), ("loads", "BaselineLoad"), ("loads", "ExcludedPoint"), ("loads", "LedgerEntry"),
    ("loads", "NewProject"), ("loads", "ProjectLoad"),
    ("enterprises", "Enterprise"), ("enterprises", "Outlet"), ("enterprises", "MonitoringPoint"),
    ("enterprises", "PermitLimit"), ("quality", "StopDeclaration"), ("quality", "DailyValue"),
    ("quality", "MonthlyValue"), ("plans", "ParkPlan"), ("plans", "LoadTarget"), ("loads", "SubstitutedMass"),
)
# The rows the part read from the measurements depends on (``park.measured_part``, ``routes.routes_of``):
# their saves bump ``MASSES_KEY`` too (the policy: its ``missing_hours`` adds the substituted masses). Enterprises only when created, deleted or moved (``_on_enterprise``).
MASSES_WATCHED = (
    ("loads", "ExcludedPoint"), ("loads", "SubstitutedMass"), ("loads", "LoadPolicy"), ("enterprises", "Outlet"), ("enterprises", "MonitoringPoint"),
    ("quality", "StopDeclaration"), ("quality", "DailyValue"), ("quality", "MonthlyValue"),
)


def _new_version() -> str:
    return f"{time.time_ns():x}-{uuid.uuid4().hex[:8]}"


def _set_new() -> None:
    cache.set(VERSION_KEY, _new_version(), None)


def _set_measured() -> None:
    cache.set(MEASURED_KEY, _new_version(), None)


def _set_masses() -> None:
    cache.set(MASSES_KEY, _new_version(), None)


def _bump(setter: Callable[[], None]) -> None:
    """A new version now (the writing connection reads its own rows) and again when the current
    transaction commits (one commit callback per transaction however many rows it writes)."""
    setter()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(entry[1] is setter for entry in connection.run_on_commit):
        transaction.on_commit(setter)


def bump(*, masses: bool = True) -> None:
    """A watched row changed: figures computed before are recomputed on the next view. ``masses=False``:
    a row the measured part does not read (a target, baseline, ledger entry, permit, status): that part is
    kept."""
    _bump(_set_new)
    if masses:
        _bump(_set_masses)


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


def masses_version() -> str:
    return _current(MASSES_KEY)


def max_lag() -> float:
    return float(getattr(settings, "QINGYUAN_FIGURES_MAX_LAG", 120))


def register(name: str, compute: Callable[[int, dt.date], Any], *, basis: str = "all",
             measured: bool = True) -> None:
    """How the figures called ``name`` are computed for a park and day: what ``refresh`` runs. ``basis``
    "masses": they read only the rows of ``MASSES_WATCHED`` (kept across other edits); ``measured=False``:
    no measurements either (new ones do not make them stale)."""
    _COMPUTE[name] = compute
    _BASIS[name] = (MASSES_KEY if basis == "masses" else VERSION_KEY, measured)


def _key(name: str, park_id: int, day: str) -> str:
    version_key = _BASIS.get(name, (VERSION_KEY, True))[0]
    return f"loads:{name}:{park_id}:{day}:{_current(version_key)}"


def cached(name: str, park_id: int, as_of: dt.date, compute: Callable[[], T] | None = None) -> T:
    """The figures ``name`` of a park and day: from the cache when no watched row changed since they were
    computed and they are not older than the latest measurements by more than ``max_lag()`` seconds
    (then the worker is asked to recompute them); else computed now. ``compute`` defaults to the
    registered computation."""
    key = _key(name, park_id, as_of.isoformat())
    stamp = measured()
    found = cache.get(key)
    if _stale_used.get() is None:  # a page's figures, not a part of others: what the worker warms
        _seen(name, park_id)
    if found is not None:
        seen, computed_at, value = found
        if seen == stamp or not _BASIS.get(name, (VERSION_KEY, True))[1]:
            return value
        if not _refreshing.get() and time.time() - computed_at < max_lag():
            _want(name, park_id, as_of)
            _note_stale(computed_at)
            return value
    return _store(name, park_id, as_of, key, stamp,
                  compute if compute is not None else (lambda: _COMPUTE[name](park_id, as_of)))


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off while a computation reads tens of thousands of rows: each fetched row
    is a tuple the collector tracks, so a province's figures triggered a few full collections of the whole
    heap (about a third of their CPU time, bench/cockpit.py). Rows are not cycles: nothing is left for the
    collector, which runs as usual after. Re-enabled only by the call that disabled it (nested or concurrent
    computations)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _store(name: str, park_id: int, as_of: dt.date, key: str, stamp: str, compute: Callable[[], T]) -> T:
    """Compute and cache. Figures built on a part served stale keep that part's age and no stamp, and are
    recomputed by the worker with it."""
    token = _stale_used.set([])
    try:
        with paused_gc():
            value = compute()
        used = _stale_used.get() or []
    finally:
        _stale_used.reset(token)
    if used:
        oldest = min(used)
        cache.set(key, ("", oldest, value), TTL)
        _want(name, park_id, as_of)
        _note_stale(oldest)
    else:
        cache.set(key, (stamp, time.time(), value), TTL)
    return value


def _note_stale(computed_at: float) -> None:
    used = _stale_used.get()
    if used is not None:
        used.append(computed_at)


def _want(name: str, park_id: int, as_of: dt.date) -> None:
    wanted = cache.get(WANTED_KEY) or set()
    item = (name, park_id, as_of.isoformat())
    if item not in wanted:
        cache.set(WANTED_KEY, wanted | {item}, TTL)


def _seen(name: str, park_id: int) -> None:
    seen = cache.get(SEEN_KEY) or set()
    if (name, park_id) not in seen:
        cache.set(SEEN_KEY, seen | {(name, park_id)}, SEEN_TTL)


def refresh() -> bool:
    """Worker step: recompute the figures served stale since the last run (a request that races with it
    only adds itself again), then compute today's figures of the parks viewed lately that are not cached
    (a new day, an edit). Returns False: one pass per run."""
    wanted = cache.get(WANTED_KEY)
    token = _refreshing.set(True)
    try:
        if wanted:
            cache.delete(WANTED_KEY)
            for name, park_id, day in sorted(wanted):
                if name in _COMPUTE:
                    cached(name, park_id, dt.date.fromisoformat(day))  # a part already redone is read
        warm()
    finally:
        _refreshing.reset(token)
    return False


def warm(today: dt.date | None = None) -> int:
    """Compute the figures of the parks viewed lately that are missing for ``today``; returns how many."""
    today = today or timezone.localdate()
    done = 0
    for name, park_id in sorted(cache.get(SEEN_KEY) or ()):
        if name in _COMPUTE and cache.get(_key(name, park_id, today.isoformat())) is None:
            cached(name, park_id, today)
            done += 1
    return done


def _on_change(sender: Any, **kwargs: Any) -> None:
    bump(masses=False)


def _on_masses_change(sender: Any, **kwargs: Any) -> None:
    bump()


def _before_enterprise_save(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None,
                            **kwargs: Any) -> None:
    """Whether a saved enterprise moves to another park (its measured part changes park): one query."""
    moved = False
    if instance.pk is not None and not raw and (update_fields is None or "park" in update_fields):
        moved = not sender.objects.filter(pk=instance.pk, park_id=instance.park_id).exists()
    instance._loads_moved_park = moved


def _on_enterprise(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    bump(masses=created or getattr(instance, "_loads_moved_park", True))


def _on_enterprise_delete(sender: Any, **kwargs: Any) -> None:
    bump()


def _on_stored(period: str) -> None:
    bump_measured()


def connect() -> None:
    """Bump the version on every save and delete of the watched models and whenever the quality computation
    stores days or months (from ``LoadsConfig.ready``)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save, pre_save

    from qingyuan.quality.compute import register_stored_listener

    register_stored_listener(_on_stored)
    for label, name in WATCHED:
        try:
            model = apps.get_model(label, name)
        except LookupError:  # not defined in this tree (SubstitutedMass before issue 15's substitution lands)
            continue
        if (label, name) == ("enterprises", "Enterprise"):
            pre_save.connect(_before_enterprise_save, sender=model, dispatch_uid="loads.cache.move.enterprise")
            post_save.connect(_on_enterprise, sender=model, dispatch_uid=f"loads.cache.save.{label}.{name}")
            post_delete.connect(_on_enterprise_delete, sender=model,
                                dispatch_uid=f"loads.cache.delete.{label}.{name}")
            continue
        handler = _on_masses_change if (label, name) in MASSES_WATCHED else _on_change
        post_save.connect(handler, sender=model, dispatch_uid=f"loads.cache.save.{label}.{name}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"loads.cache.delete.{label}.{name}")
