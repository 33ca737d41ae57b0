"""Issue 15 rule 6: HJ/T 212-2005 factor codes under a mismatched ST are read by the point's medium.

The code tables are HJ 212-2017 Appendix B: Table B.1 (water, with each factor's 2005 code) and
Table B.2 (gas); ST is the system code of Table 5 (31 大气环境污染源, 32 地表水体环境污染源).
The 2005 water codes are three characters (011 COD, 060 NH3-N, B01 flow), the gas codes two
(01 烟尘, 02 SO2, 03 NOx) or S0x/B02.
"""

from __future__ import annotations

import asyncio

import pytest

from qingyuan.enterprises.models import MonitoringPoint
from qingyuan.gateway.sink import Verdict
from qingyuan.monitoring.models import DeviceSetup, RawPacket, Reading
from qingyuan.test import make_point

from .support import frame, received

GAS_2005 = ("DataTime=20260302080000;01-Avg=12.5,01-Flag=N;02-Avg=35.0,02-Flag=N;03-Avg=80.2,03-Flag=N;"
            "S01-Avg=9.8,S01-Flag=N;B02-Avg=51000,B02-Flag=N")
WATER_2005 = "DataTime=20260302080000;011-Avg=40.1,011-Flag=N;060-Avg=1.20,060-Flag=N;B01-Avg=12.0,B01-Flag=N"


def store(data: bytes) -> RawPacket:
    from qingyuan.ingest.process import process_packets

    [outcome] = process_packets([received(data)])
    assert outcome.verdict is Verdict.STORED, outcome
    return RawPacket.objects.get(qn=frame_qn(data))


def frame_qn(data: bytes) -> str:
    return data.decode().split("QN=")[1].split(";")[0]


def values(point: MonitoringPoint) -> dict[str, float]:
    return dict(Reading.objects.filter(point=point, kind="minute").values_list("parameter", "avg"))


@pytest.fixture
def gas_point(world):
    return make_point(world.enterprise_a, "GGGG0000000000000000000G", medium="gas")


def test_it_reads_2005_gas_codes_under_a_water_st_as_the_gas_point_s(db, gas_point):
    """HJ 212-2017 Appendix B Table B.2: 01 → a34013 (烟尘), 02 → a21026 (SO2), 03 → a21002 (NOx),
    S01 → a19001 (O2), B02 → a00000 (废气). The logger says ST=32 (water, Table 5); the point is a gas
    outlet. By the ST these codes stay unknown ("01"); by the point they are the gas factors."""
    raw = store(frame(gas_point.mn, st="32", qn="20260302080000201", cp=GAS_2005))

    assert values(gas_point) == {"a34013": 12.5, "a21026": 35.0, "a21002": 80.2, "a19001": 9.8, "a00000": 51000.0}
    assert raw.result["tolerances"] == ["st_medium_mismatch"]
    assert "read as gas codes" in raw.result["notes"][0]


def test_it_reads_2005_water_codes_under_a_gas_st_as_the_water_point_s(db, world):
    """HJ 212-2017 Appendix B Table B.1: 011 → w01018 (COD), 060 → w21003 (NH3-N), B01 → w00000 (污水).
    Sent under ST=31 (gas, Table 5) by the logger of a wastewater outlet."""
    raw = store(frame(world.point_a.mn, st="31", qn="20260302080000202", cp=WATER_2005))

    assert values(world.point_a) == {"w01018": 40.1, "w21003": 1.2, "w00000": 12.0}
    assert raw.result["tolerances"] == ["st_medium_mismatch"]


def test_it_keeps_a_code_of_the_other_medium_as_sent(db, gas_point):
    """Table B.1 lists 023 as the 2005 code of total chromium (w20116), a water factor. A gas point's
    logger (a VOC analyser, as in a captured 2011 under ST=31) uses 023 as a vendor code: under a
    water ST it must not become chromium. Read as a gas point's code it has no mapping (Table B.2
    has no 023) and stays as sent; 02 is still SO2."""
    raw = store(frame(gas_point.mn, st="32", qn="20260302080000203",
                      cp="DataTime=20260302080000;023-Avg=0.5,023-Flag=N;02-Avg=35.0,02-Flag=N"))

    assert values(gas_point) == {"023": 0.5, "a21026": 35.0}
    assert raw.result["tolerances"] == ["st_medium_mismatch"]
    assert "kept as sent: 023" in raw.result["notes"][0]


def test_it_uses_the_configured_st_of_a_point_without_an_outlet(db, world):
    """A point with no outlet (an ambient or a river station) has the medium of its configured ST
    (Table 5: 31 gas); the packet's ST=32 does not change how 01 (Table B.2: 烟尘, a34013) is read."""
    point = MonitoringPoint.objects.create(park=world.park, name="站点", mn="SSSS0000000000000000000S",
                                           password="123456", st="31")
    raw = store(frame(point.mn, st="32", qn="20260302080000204",
                      cp="DataTime=20260302080000;01-Avg=12.5,01-Flag=N"))

    assert values(point) == {"a34013": 12.5}
    assert raw.result["tolerances"] == ["st_medium_mismatch"]


def test_it_changes_nothing_when_the_st_names_the_point_s_medium(db, world, gas_point):
    """Same codes under the right ST (Table 5: 32 water, 31 gas): read by the ST as before, no tolerance."""
    water = store(frame(world.point_a.mn, st="32", qn="20260302080000205", cp=WATER_2005))
    gas = store(frame(gas_point.mn, st="31", qn="20260302080000206", cp=GAS_2005))

    assert values(world.point_a) == {"w01018": 40.1, "w21003": 1.2, "w00000": 12.0}
    assert set(values(gas_point)) == {"a34013", "a21026", "a21002", "a19001", "a00000"}
    assert water.result is None and gas.result is None


@pytest.mark.slow
def test_it_acknowledges_and_reads_by_the_point_over_the_gateway(transactional_db, world):
    """A real 2005-coded gas frame under ST=32 through the TCP gateway and the Django sink:
    acknowledged (9014), stored with the gas factors of Table B.2 and the tolerance."""
    from qingyuan.gateway.tests.support import Device, qns

    from .test_end_to_end import GatewayThread

    point = make_point(world.enterprise_a, "GGGG0000000000000000000G", medium="gas")
    DeviceSetup.objects.create(point=point, enabled=False)  # only the 9014 on the wire
    data = frame(point.mn, st="32", qn="20260302080000207", cp=GAS_2005)
    gateway = GatewayThread()
    try:
        async def scenario() -> list[str]:
            device = await Device.connect(gateway.port)
            await device.send(data)
            replies = await device.replies(1, timeout=10)
            device.close()
            return qns(replies)

        assert asyncio.run(scenario()) == ["20260302080000207"]
    finally:
        gateway.stop()
    assert values(point) == {"a34013": 12.5, "a21026": 35.0, "a21002": 80.2, "a19001": 9.8, "a00000": 51000.0}
    assert RawPacket.objects.get(qn="20260302080000207").result["tolerances"] == ["st_medium_mismatch"]
