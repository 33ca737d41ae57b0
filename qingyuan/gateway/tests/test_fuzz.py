"""Whatever bytes arrive, in whatever pieces: no exception, and the only bytes written
are the acknowledgements of the valid packets among them, in order."""

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingyuan.hj212 import data_ack

from .support import mn_of, upload
from .test_protocol import StubSink, connect, decode, settle

GOOD = [upload(mn_of(20), f"2024010112000040{i}") for i in range(4)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.one_of(st.sampled_from(GOOD), st.binary(max_size=60)), max_size=10),
    cuts=st.lists(st.integers(min_value=1, max_value=400), max_size=8),
)
def test_it_survives_any_input_and_acknowledges_only_valid_packets(pieces, cuts):
    stream = b"".join(pieces)
    chunks, start = [], 0
    for cut in sorted(set(cuts)):
        chunks.append(stream[start:cut])
        start = max(start, cut)
    chunks.append(stream[start:])

    async def scenario():
        hub, conn, transport = await connect(StubSink())
        for chunk in chunks:
            if chunk and not transport.closing:
                conn.data_received(chunk)
        await settle(hub, 0)
        return bytes(transport.written)

    written = asyncio.run(scenario())
    sent = [p for p in pieces if p in GOOD]
    acks = [data_ack(decode(p)[0]) for p in sent]
    # a subsequence of the acks of the valid packets, in order ...
    it = iter(acks)
    rest = written
    while rest:
        ack = next(it, None)
        assert ack is not None, written
        if rest.startswith(ack):
            rest = rest[len(ack):]
    # ... and all of them when no junk byte could have looked like a frame start
    junk = b"".join(p for p in pieces if p not in GOOD)
    if b"#" not in junk:
        assert written == b"".join(acks)
