"""Real sockets on 127.0.0.1: an in-process gateway on the reference SQLite sink."""

import asyncio
import sqlite3

import pytest

from .sqlite_sink import SqliteSink
from .support import PW, Device, cns, eventually, mn_of, qn_of, qns, running_gateway, upload

pytestmark = pytest.mark.slow


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "gateway.sqlite3")


def make_sink(db_path, devices=50):
    sink = SqliteSink(db_path, synchronous="NORMAL")
    sink.add_devices([(mn_of(i), PW) for i in range(devices)])
    return sink


def rows(db_path, sql, *args):
    with sqlite3.connect(db_path) as db:
        return db.execute(sql, args).fetchall()


def test_it_stores_20000_pipelined_packets_over_50_connections_exactly_once_and_acks_each(db_path):
    per_device = 400

    async def device(port, i):
        dev = await Device.connect(port)
        sent = [qn_of(i * per_device + n) for n in range(per_device)]

        async def send():
            for start in range(0, per_device, 50):
                await dev.send(b"".join(upload(mn_of(i), qn) for qn in sent[start:start + 50]))

        _, replies = await asyncio.gather(send(), dev.replies(per_device, timeout=40))
        dev.close()
        assert set(cns(replies)) == {"9014"}
        assert qns(replies) == sent  # one 9014 per packet, in order, with its QN

    async def scenario():
        sink = make_sink(db_path)
        async with running_gateway(lambda: sink) as server:
            await asyncio.gather(*(device(server.port, i) for i in range(50)))
            assert server.stats.acked == 50 * per_device

    asyncio.run(scenario())
    assert rows(db_path, "SELECT count(*), count(DISTINCT qn) FROM packets") == [(20000, 20000)]


def test_it_stores_packets_split_at_every_byte_boundary(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=1)
        async with running_gateway(lambda: sink, batch_delay=0.0) as server:
            dev = await Device.connect(server.port)
            template = upload(mn_of(0), qn_of(0))
            for cut in range(1, len(template)):
                data = upload(mn_of(0), qn_of(cut))
                await dev.send(data[:cut])
                await asyncio.sleep(0.001)
                await dev.send(data[cut:])
                assert qns(await dev.replies(1)) == [qn_of(cut)]
            dev.close()
            return len(template) - 1

    cuts = asyncio.run(scenario())
    assert rows(db_path, "SELECT count(*) FROM packets") == [(cuts,)]


def test_it_skips_and_counts_garbage_between_packets(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=1)
        async with running_gateway(lambda: sink) as server:
            dev = await Device.connect(server.port)
            good = [upload(mn_of(0), qn_of(n)) for n in range(3)]
            bad_crc = upload(mn_of(0), qn_of(9))[:-6] + b"FFFF\r\n"
            await dev.send(good[0] + b"\x00\xffnot a packet\r\n" + good[1] + bad_crc + b"#" + good[2])
            assert qns(await dev.replies(3)) == [qn_of(0), qn_of(1), qn_of(2)]
            assert server.stats.invalid["bad_crc"] == 1
            assert sum(server.stats.invalid.values()) >= 2
            dev.close()

    asyncio.run(scenario())
    assert rows(db_path, "SELECT count(*) FROM packets") == [(3,)]
    reasons = {r for (r,) in rows(db_path, "SELECT reason FROM invalid_frames")}
    assert "bad_crc" in reasons and len(reasons) >= 2


def test_it_cuts_off_slow_loris_and_oversize_senders_while_another_device_flows(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=1)
        async with running_gateway(lambda: sink, frame_timeout=0.5, idle_timeout=1.0, max_segment=1024) as server:
            good = await Device.connect(server.port)
            loris = await Device.connect(server.port)
            flood = await Device.connect(server.port)
            slow_frame = upload(mn_of(0), qn_of(999_999))

            async def trickle():
                for i in range(len(slow_frame) - 1):
                    if loris.writer.is_closing():
                        return
                    loris.writer.write(slow_frame[i:i + 1])
                    await asyncio.sleep(0.05)

            async def oversize():
                with pytest.raises(ConnectionError):
                    for _ in range(400):
                        await flood.send(b"##9999" + b"x" * 4000)
                        await asyncio.sleep(0.01)

            async def flowing():
                acked = []
                for n in range(40):  # 2 s of steady traffic, one packet every 50 ms
                    await good.send(upload(mn_of(0), qn_of(n)))
                    acked += qns(await good.replies(1, timeout=1.0))
                    await asyncio.sleep(0.05)
                return acked

            tasks = [asyncio.create_task(trickle()), asyncio.create_task(oversize())]
            acked = await flowing()
            assert acked == [qn_of(n) for n in range(40)]
            assert await loris.closed_within(1.0)
            assert await flood.closed_within(2.0)
            await asyncio.gather(*tasks, return_exceptions=True)
            assert server.stats.invalid["FRAME_TIMEOUT"] == 1
            assert server.stats.invalid["oversize"] >= 1
            assert not await good.closed_within(0.1)
            good.close()

    asyncio.run(scenario())


def test_it_enforces_max_connections_per_ip(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=5)
        async with running_gateway(lambda: sink, max_per_ip=3) as server:
            devices = [await Device.connect(server.port) for _ in range(5)]
            await eventually(lambda: sum(server.stats.connections_refused.values()) == 2)
            assert server.stats.connections_refused["max_per_ip"] == 2
            assert await devices[3].closed_within(1.0) and await devices[4].closed_within(1.0)
            for i, dev in enumerate(devices[:3]):
                await dev.send(upload(mn_of(i), qn_of(i)))
                assert qns(await dev.replies(1)) == [qn_of(i)]
            assert server.stats.connections_open == 3

    asyncio.run(scenario())


def test_it_closes_idle_connections(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=1)
        async with running_gateway(lambda: sink, idle_timeout=0.4) as server:
            idle = await Device.connect(server.port)
            busy = await Device.connect(server.port)
            for n in range(12):
                await busy.send(upload(mn_of(0), qn_of(n)))
                await busy.replies(1)
                await asyncio.sleep(0.1)
            assert await idle.closed_within(0.1)
            assert not await busy.closed_within(0.05)
            assert server.stats.connections_closed["idle timeout"] == 1

    asyncio.run(scenario())


def test_it_quarantines_an_unknown_mn_and_acknowledges_nothing(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=1)
        async with running_gateway(lambda: sink) as server:
            dev = await Device.connect(server.port)
            await dev.send(upload("UNKNOWN0000000000000001", qn_of(1)))
            await dev.send(upload(mn_of(0), qn_of(2), pw="999999"))
            await eventually(lambda: server.stats.quarantined == 2)
            assert await dev.nothing_for(0.3)
            assert server.stats.acked == 0

    asyncio.run(scenario())
    assert rows(db_path, "SELECT mn, reason FROM quarantine ORDER BY id") == [
        ("UNKNOWN0000000000000001", "unknown MN"), (mn_of(0), "wrong PW")]
    assert rows(db_path, "SELECT count(*) FROM packets") == [(0,)]


def test_it_writes_queued_commands_to_the_device_and_stores_its_replies(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=2)
        web = SqliteSink(db_path)  # the web's own connection queues the command
        async with running_gateway(lambda: sink, command_interval=0.1) as server:
            dev = await Device.connect(server.port)
            other = await Device.connect(server.port)
            await other.send(upload(mn_of(1), qn_of(50)))
            await other.replies(1)
            await dev.send(upload(mn_of(0), qn_of(1)))
            await dev.replies(1)
            command_qn = "20240101130000123"
            payload = upload(mn_of(0), command_qn, cn="1062", st="22", flag=5, cp="RtdInterval=30")
            web.queue_command(mn_of(0), command_qn, payload)
            assert await dev.replies(1) == [payload]
            assert await other.nothing_for(0.2)
            await dev.send(upload(mn_of(0), command_qn, cn="9011", st="91", flag=4, cp="QnRtn=1"))
            await dev.send(upload(mn_of(0), command_qn, cn="9012", st="91", flag=4, cp="ExeRtn=1"))
            await eventually(lambda: server.stats.stored == 4)
            assert server.stats.commands_sent == 1
            assert await dev.nothing_for(0.2)  # replies are not answered
        web.close()

    asyncio.run(scenario())
    assert rows(db_path, "SELECT state, qn_rtn, exe_rtn FROM commands") == [("done", "1", "1")]


def test_it_answers_what_was_sent_before_the_device_half_closed(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=1)
        async with running_gateway(lambda: sink) as server:
            dev = await Device.connect(server.port)
            await dev.send(b"".join(upload(mn_of(0), qn_of(n)) for n in range(5)) + b"##0100QN=trunc")
            dev.writer.write_eof()
            assert qns(await dev.replies(5)) == [qn_of(n) for n in range(5)]
            assert await dev.closed_within(1.0)
            assert server.stats.invalid["truncated"] == 1

    asyncio.run(scenario())
    assert rows(db_path, "SELECT count(*) FROM packets") == [(5,)]


def test_it_sets_the_device_clock_on_first_authentication_when_configured(db_path):
    async def scenario():
        sink = make_sink(db_path, devices=1)
        async with running_gateway(lambda: sink, sync_time_on_connect=True) as server:
            dev = await Device.connect(server.port)
            await dev.send(upload(mn_of(0), qn_of(1)))
            await dev.send(upload(mn_of(0), qn_of(2)))
            replies = await dev.replies(3)
            assert cns(replies) == ["9014", "1012", "9014"]
            assert qns(replies)[0::2] == [qn_of(1), qn_of(2)]

    asyncio.run(scenario())
