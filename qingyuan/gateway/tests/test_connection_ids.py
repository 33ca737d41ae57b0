"""Connection ids of several gateways on one database never meet (DeviceSession.connection_id is unique)."""

from __future__ import annotations

import itertools

from qingyuan.gateway.server import ID_SLOTS, connection_ids


def take(ids, n):  # type: ignore[no-untyped-def]
    return list(itertools.islice(ids, n))


def test_it_keeps_two_gateways_apart_however_many_connections_the_first_accepts():
    start = 1_796_000_000_000_000  # µs, December 2026
    first = take(connection_ids("gw-a", start), 300_000)
    second = take(connection_ids("gw-b", start + 100_000), 300_000)  # started 0.1 s later
    assert not set(first) & set(second)
    # Counting from the start time alone (the old ids) the first reached the second's after 100,000.
    old_first = range(start, start + 300_000)
    assert set(old_first) & set(range(start + 100_000, start + 400_000))


def test_it_keeps_one_gateway_unique_across_restarts_and_below_2_63():
    before = take(connection_ids("host:9212", 1_796_000_000_000_000), 1000)
    after = take(connection_ids("host:9212", 1_796_000_000_001_000), 1000)  # restarted 1 ms later
    assert before == sorted(set(before)) and not set(before) & set(after)
    assert len({i % ID_SLOTS for i in before + after}) == 1  # one instance, one slot
    assert next(connection_ids("x", 8_000_000_000_000_000)) < 2**63  # year 2223
