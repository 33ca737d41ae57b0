"""Upserts of the aggregates: ``qingyuan.core.upsert.Upsert`` (the one bulk-write helper).

``Upsert(model, columns, key, update=None)``: ``INSERT ... ON CONFLICT (key) DO UPDATE`` of every
non-key column (or of ``update``), in one ``executemany`` on SQLite; on PostgreSQL one
``unnest`` statement, or ``COPY`` into a temporary table and one ``INSERT ... SELECT`` for the
large recomputations. Rows of one run must not repeat a key.
"""

from __future__ import annotations

from qingyuan.core.upsert import Upsert

__all__ = ["Upsert"]
