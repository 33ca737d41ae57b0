"""Reads from the hot standby, only where a page says it may.

With ``QINGYUAN_DATABASE_REPLICA_URL`` unset there is no ``replica`` alias and this router
decides nothing: every query goes to ``default`` as before.

With it set, a read goes to the standby only when all of these hold:

- it runs inside ``reads_from_replica`` (a decorator on the cockpit, the public portal pages,
  the exports: pages that read much and write nothing);
- the scope has not written yet (a read that must see its own write stays on the primary: every
  statement on ``default`` that is not a read marks the scope, through a connection
  ``execute_wrapper``; writes to the cache table do not count, they are not data the page reads);
- ``default`` is not inside a transaction (``atomic``: its reads belong to its writes);
- the model is not one whose rows a request writes before it reads them elsewhere (sessions,
  login throttling, the database cache);
- the standby is reachable and within ``QINGYUAN_REPLICA_MAX_LAG_S`` (``core.replica``);
- and, decided once per scope at its first read, the standby has replayed everything the primary had
  written at that moment (``replica.caught_up``: it waits a quarter of a second at most). So a page
  read from the standby sees every transaction committed before it began, by any process: the edit
  saved on the previous request, a cache version bumped on commit. Without this, a page computed
  from a standby a few milliseconds behind could be cached under the new version, stale until the
  next bump. A read of the (database) cache inside the scope makes the next read decide again, so
  data read after a version is at least as new as that version.

Everything else, and every write, goes to ``default``; migrations never run on the standby.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, overload

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from qingyuan.core import replica
from qingyuan.core.replica import REPLICA

F = TypeVar("F", bound=Callable[..., Any])

# Rows a request writes and reads back on its next request, or that are not domain data at all.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_cache"})
_READS = ("select", "show", "explain", "savepoint", "release")


class _Scope:
    __slots__ = ("wrote", "standby")

    def __init__(self) -> None:
        self.wrote = False
        self.standby: bool | None = None  # decided at the scope's first read


_scope: ContextVar[_Scope | None] = ContextVar("qingyuan_replica_scope", default=None)


def _cache_tables() -> tuple[str, ...]:
    return tuple(c["LOCATION"] for c in settings.CACHES.values() if c["BACKEND"].endswith("DatabaseCache"))


def _write_marker(scope: _Scope) -> Callable[..., Any]:
    cache_tables = _cache_tables()

    def mark(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if not scope.wrote and is_write(str(sql), cache_tables):
            scope.wrote = True
        return execute(sql, params, many, context)

    return mark


def is_write(sql: str, cache_tables: tuple[str, ...] = ()) -> bool:
    head = sql.lstrip().lstrip("(").lstrip()[:10].lower()
    if head.startswith(_READS):
        return False
    return not any(table in sql for table in cache_tables)


@contextmanager
def _replica_scope() -> Iterator[None]:
    if _scope.get() is not None:  # nested: the outer scope tracks the writes
        yield
        return
    scope = _Scope()
    token = _scope.set(scope)
    try:
        if replica.configured():
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(_write_marker(scope)):
                yield
        else:
            yield
    finally:
        _scope.reset(token)


@overload
def reads_from_replica(func: F) -> F: ...
@overload
def reads_from_replica(func: None = None) -> Any: ...
def reads_from_replica(func: F | None = None) -> Any:
    """``@reads_from_replica`` on a view, or ``with reads_from_replica():`` around a block."""
    if func is None:
        return _replica_scope()

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _replica_scope():
            return func(*args, **kwargs)

    wrapper.reads_from_replica = True  # type: ignore[attr-defined]  # test_dbrouter lists the views
    return wrapper  # type: ignore[return-value]


def in_replica_scope() -> bool:
    return _scope.get() is not None


def _goes_to_replica(model: Any) -> bool:
    scope = _scope.get()
    if scope is None or scope.wrote:
        return False
    if model._meta.app_label == "django_cache":
        # A page that reads a version or generation from the cache reads its data after it: decide
        # again, so the standby must have replayed what was committed before that cache read.
        scope.standby = None
        return False
    if model._meta.app_label in PRIMARY_ONLY_APPS:
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    if scope.standby is None:
        scope.standby = replica.caught_up()
    return scope.standby


class ReplicaRouter:
    """Listed in DATABASE_ROUTERS; inert while no ``replica`` alias is configured."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not replica.configured():
            return None
        # Always an answer: without one Django would follow an instance's own alias, and an
        # object read from the standby would pull its relations from there outside any scope.
        return REPLICA if _goes_to_replica(model) else DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        # Without an answer Django writes an instance back where it was read from: the standby.
        return DEFAULT_DB_ALIAS if replica.configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        pair = {obj1._state.db, obj2._state.db}
        return True if replica.configured() and pair <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return None if db == DEFAULT_DB_ALIAS else False
