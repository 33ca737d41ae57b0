"""The simulated loggers: their frames, and how they behave on a socket (a minimal platform answers)."""

from __future__ import annotations

import asyncio
import datetime as dt

from qingyuan.hj212 import NEED_DATA, Decoder, Packet, data_ack, set_min_interval, set_time
from qingyuan.simulator.device import FleetStats, Options
from qingyuan.simulator.fleet import run_fleet
from qingyuan.simulator.packets import Builder, DeviceSpec
from qingyuan.simulator.scenarios import Behaviour, UnknownScenario, parse

T = dt.datetime(2026, 3, 2, 10, 0)


def decode(data: bytes) -> list[Packet]:
    decoder = Decoder()
    decoder.receive_data(data)
    out = []
    while (event := decoder.next_event()) is not NEED_DATA:
        assert isinstance(event, Packet), event
        out.append(event)
    return out


def test_it_builds_minute_data_with_statistics_totals_and_corrected_values():
    (upload,) = Builder(DeviceSpec(mn="GAS01", password="1", st="31", medium="gas")).minute(T)
    (p,) = decode(upload.data)

    assert (p.cn, p.qn, p.cp.data_time, p.ack_requested) == ("2051", "20260302100000200", "20260302100000", True)
    so2 = p.cp.params["a21026"]
    assert so2.min <= so2.avg <= so2.max and so2.cou > 0 and so2.zs_avg is not None and so2.flag == "N"
    assert set(p.cp.params) == {"a21026", "a21002", "a34013", "a19001", "a01012", "a01011", "a00000"}


def test_it_gives_the_same_values_for_the_same_moment():
    spec = DeviceSpec(mn="W1", password="1")
    assert Builder(spec).minute(T)[0].data == Builder(spec).minute(T)[0].data


def test_it_speaks_2005_with_old_codes_and_no_qn():
    (upload,) = Builder(DeviceSpec(mn="OLD1", password="1", protocol="2005")).hour(T)
    (p,) = decode(upload.data)

    assert p.qn is None and p.flag is None and upload.qn is None
    assert {v.original_code for v in p.cp.params.values()} >= {"011", "060"}
    assert "w01018" in p.cp.params  # normalised by the decoder


def test_it_splits_uploads_into_sub_packets():
    uploads = Builder(DeviceSpec(mn="W2", password="1", scenarios=frozenset({"subpackets"}))).minute(T)
    packets = [decode(u.data)[0] for u in uploads]

    assert [(p.pnum, p.pno, p.split) for p in packets] == [(3, 1, True), (3, 2, True), (3, 3, True)]
    assert len({p.qn for p in packets}) == 3
    assert sum(len(p.cp.params) for p in packets) == 6


def test_it_declares_a_length_six_too_long():
    (upload,) = Builder(DeviceSpec(mn="W3", password="1", scenarios=frozenset({"length_plus6"}))).minute(T)
    (p,) = decode(upload.data)

    assert "length_plus_6" in {t.value for t in p.tolerances}


def test_it_exceeds_limits_and_flags_faults_in_episodes():
    behaviour = Behaviour("W4", {"exceedance", "fault"})
    moments = [T + dt.timedelta(minutes=10 * i) for i in range(36)]

    exceeding = [m for m in moments if behaviour.value(10.0, 100.0, m, pollutant=True) > 100]
    faulty = [m for m in moments if behaviour.flag(m) == "D"]

    # 45 min in every 3 h: two episodes in 6 h, 4 or 5 ten-minute samples each
    assert 8 <= len(exceeding) <= 10 and 8 <= len(faulty) <= 10


def test_it_parses_scenario_switches():
    assert parse(["fault", "outage:MN1", "zeros:MN1"]) == ({"fault"}, {"MN1": {"outage", "zeros"}})
    try:
        parse(["nonsense"])
    except UnknownScenario as exc:
        assert "nonsense" in str(exc)
    else:
        raise AssertionError("an unknown scenario must be refused")


class Platform:
    """Acknowledges uploads (9014), sends commands, records what it got."""

    def __init__(self) -> None:
        self.packets: list[Packet] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        decoder = Decoder()
        while chunk := await reader.read(65536):
            decoder.receive_data(chunk)
            while (event := decoder.next_event()) is not NEED_DATA:
                if isinstance(event, Packet):
                    self.packets.append(event)
                    if event.ack_requested and event.cn not in ("9011", "9012"):
                        writer.write(data_ack(event))


def test_it_retransmits_what_was_not_acknowledged_and_answers_commands():
    spec = DeviceSpec(mn="SIM00000000000000000001", password="123456", scenarios=frozenset({"bad_crc"}))
    stats = FleetStats(keep_qns=True)
    platform = Platform()

    async def scenario() -> None:
        server = await asyncio.start_server(platform.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        options = Options(port=port, backfill_hours=6, realtime=False, over_time=0.3,
                          start=T + dt.timedelta(seconds=30))
        stop = asyncio.Event()
        fleet = asyncio.create_task(run_fleet([spec], options, stop=stop, stats=stats))
        for _ in range(400):  # 6 h back from 10:00:30: minute data 04:10 ... 09:50 (35), hours 05 ... 09 (5)
            if stats.acked == 40:
                break
            await asyncio.sleep(0.05)
        writer = platform.writers[0]
        writer.write(set_time(spec.mn, spec.password, (2026, 3, 2, 10, 0, 0), "20260302100000001"))
        writer.write(set_min_interval(spec.mn, spec.password, 5, "20260302100000002"))
        for _ in range(100):
            if sum(p.cn == "9012" for p in platform.packets) == 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await fleet
        server.close()
        await server.wait_closed()

    asyncio.run(scenario())

    assert stats.acked == 40 and stats.gave_up == 0
    assert stats.retransmitted >= 1  # the uploads first sent with a corrupted CRC
    replies = [(p.cn, p.qn, p.cp.fields) for p in platform.packets if p.cn in ("9011", "9012")]
    assert replies == [
        ("9011", "20260302100000001", {"QnRtn": "1"}), ("9012", "20260302100000001", {"ExeRtn": "1"}),
        ("9011", "20260302100000002", {"QnRtn": "1"}), ("9012", "20260302100000002", {"ExeRtn": "1"}),
    ]
