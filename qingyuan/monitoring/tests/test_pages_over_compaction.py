"""Every page and API that shows a point's real-time or minute data answers the same over compacted data (issue 16).

The pages are rendered, as the personas allowed to see them, over the data narrow (the truth), then with the
closed days' readings and packets compacted, then after a late retransmission of a compacted packet (other
values, which must change nothing) and its compaction. What is compared is what a reader sees: the pages'
text (links legitimately differ: a compacted packet lives at its evidence address), the JSON of the chart
and of /api/v1/readings. Covered: the point page (latest minute values), its chart data (24 h of minute
values, 7 d of hourly values), /api/v1/readings (aggregation none, real-time and minute), the packet list
(every page, with a CN filter), a packet's page (the old address redirects to the evidence page), and the
inspectors' live page. The platform has no CSV or Excel export of real-time or minute readings (the
spreadsheets of monitoring, alarms, inspections and closures list points, alarms, patrols and cases).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine

from qingyuan.monitoring import compaction, evidence_blocks
from qingyuan.monitoring.codec import ZONE
from qingyuan.monitoring.models import DeviceState, PacketBlock, RawPacket, Reading, ReadingBlock

from .test_evidence_blocks import receive

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=ZONE)  # 02:00: the 6-hour live window reaches into yesterday
TODAY, YESTERDAY, EARLIER = NOW.date(), NOW.date() - dt.timedelta(days=1), NOW.date() - dt.timedelta(days=3)
NOTE = re.compile(r'<div class="text-muted mb-2">[^<]*</div>')  # "kept in the compressed evidence of <day>"


class Text(HTMLParser):
    """A page's visible text, one string per element's text, blank ones left out (attributes are not text)."""

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.out.append(" ".join(data.split()))


def text(html: str) -> list[str]:
    parser = Text()
    parser.feed(NOTE.sub("", html))
    return parser.out


def at(day: dt.date, minutes: int, seconds: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZONE) + dt.timedelta(minutes=minutes, seconds=seconds)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y%m%d%H%M%S")


def send(point: Any, day: dt.date, minutes: int, cn: str, k: int, *, received: dt.datetime | None = None) -> str:
    """One upload: real-time COD and NH3-N, or minute COD, NH3-N and the flow (values vary with ``k``)."""
    data_time = at(day, minutes)
    if cn == "2011":
        cp = (f"DataTime={stamp(data_time)};w01018-Rtd={30 + k % 17 + 0.25},w01018-Flag=N;"
              f"w21003-Rtd={1 + k % 5 / 10},w21003-Flag={'N' if k % 7 else 'D'}")
    else:
        cp = (f"DataTime={stamp(data_time)};w01018-Avg={40 + k % 13 + 0.5},w01018-Min=38.0,w01018-Max={50 + k % 3},"
              f"w01018-Flag=N;w21003-Avg={2 + k % 4 / 10},w21003-Flag=N;w00000-Avg={12.5 + k % 6},w00000-Cou={750 + k},"
              f"w00000-Flag=N")
    return receive(point, received or data_time + dt.timedelta(seconds=7), cn=cn, cp=cp, data_time=data_time)


@pytest.fixture
def data(world: Any, settings: Any) -> Any:
    """Two closed days (three days ago, yesterday) of real-time and minute uploads, and tonight's real-time ones."""
    settings.QINGYUAN_PAGE_SIZE = 5  # the packet list has 10 a page: several pages
    settings.QINGYUAN_COMPACT_AFTER_HOURS = 0  # yesterday is closed at 02:00 (the 24 h chart and live window)
    with time_machine.travel(NOW, tick=False):
        k = 0
        for day, first, last in ((EARLIER, 20 * 60, 24 * 60), (YESTERDAY, 19 * 60, 24 * 60), (TODAY, 0, 110)):
            for minutes in range(first, last, 10):
                k += 1
                assert send(world.point_a, day, minutes, "2011", k) == "stored"
                if day != TODAY and minutes % 30 == 0:
                    assert send(world.point_a, day, minutes, "2051", k) == "stored"
        yield world.point_a


def pages(world: Any, as_user: Any, point: Any) -> dict[tuple[str, str], Any]:
    """What each permitted persona is shown, parsed: {(persona, address): text or JSON}."""
    out: dict[tuple[str, str], Any] = {}
    api = {"point": point.pk, "since": at(EARLIER, 0).isoformat(), "until": NOW.isoformat(), "page_size": 200}
    for who in ("regulator", "ent_a", "inspector"):
        client = as_user(getattr(world, who))
        for url, params in ((f"/monitoring/points/{point.pk}/", {}),
                            (f"/inspections/enterprise/{point.outlet.enterprise_id}/live/", {})):
            if who == "ent_a" and "inspections" in url:
                continue  # the patrol screen is the inspectors' and the park's, not the enterprise's
            response = client.get(url, params)
            assert response.status_code == 200, (who, url)
            out[who, url] = text(response.content.decode())
        for url, params in ((f"/monitoring/points/{point.pk}/chart.json", {"range": "24h"}),
                            (f"/monitoring/points/{point.pk}/chart.json", {"range": "7d"}),
                            ("/api/v1/readings", {**api, "kind": "realtime"}),
                            ("/api/v1/readings", {**api, "kind": "minute"}),
                            ("/api/v1/readings", {**api, "kind": "minute", "parameter": "w00000", "page_size": 3,
                                                  "page": 2})):
            response = client.get(url, params)
            assert response.status_code == 200, (who, url, response.content[:300])
            out[who, f"{url}?{json.dumps(params, sort_keys=True)}"] = response.json()
    for who in ("regulator", "ent_a"):  # raw frames: the park's managers and the enterprise (not inspectors)
        client = as_user(getattr(world, who))
        for cn in ("", "2051"):
            out[who, f"packets?cn={cn}"] = walk(client, point, cn)
    return out


def walk(client: Any, point: Any, cn: str) -> list[list[str]]:
    """Every page of the packet list: each packet's row as its text, and its packet page's text."""
    rows, page = [], 1
    while True:
        response = client.get(f"/monitoring/points/{point.pk}/packets/", {"cn": cn, "page": page})
        assert response.status_code == 200
        html = response.content.decode()
        for pk, row in re.findall(r'<tr id="packet-(\d+)">(.*?)</tr>', html, re.S):
            rows.append(text(row) + packet_page(client, int(pk)))
        if f"page={page + 1}" not in html:
            return rows
        page += 1


def packet_page(client: Any, pk: int) -> list[str]:
    """The packet's page by its old address (a compacted packet's redirects to its evidence page)."""
    response = client.get(f"/monitoring/packets/{pk}/", HTTP_HX_REQUEST="true")
    if response.status_code == 302:
        assert "/evidence/" in response["Location"]
        response = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return text(response.content.decode())


def test_it_shows_the_same_pages_before_and_after_compaction_and_a_late_retransmission(data, world, as_user):
    point = data
    with time_machine.travel(NOW, tick=False):
        truth = pages(world, as_user, point)
        minute = {k: v for k, v in truth.items() if k[0] == "regulator" and '"minute"' in k[1] and "w00000" not in k[1]}
        assert [v["count"] for v in minute.values()] == [3 * (8 + 10)]  # 20:00-23:30 and 19:00-23:30, every 30 min
        chart = truth["regulator", f"/monitoring/points/{point.pk}/chart.json?{json.dumps({'range': '24h'})}"]
        assert {s["code"]: len(s["points"]) for s in chart["series"]} == {"w00000": 10, "w01018": 10, "w21003": 10}
        assert "23:30" in " ".join(truth["regulator", f"/monitoring/points/{point.pk}/"])  # the latest minute data
        assert len(truth["regulator", "packets?cn="]) == 24 + 30 + 8 + 10 + 11
        narrow_packets = RawPacket.objects.filter(point=point).count()

        readings = compaction.compact_due()
        packets = evidence_blocks.compact_due()
        assert readings.blocks == 4 and packets.blocks == 2 and packets.packets == narrow_packets - 11
        assert not Reading.objects.filter(kind__in=["realtime", "minute"], time__lt=at(TODAY, 0)).exists()
        assert ReadingBlock.objects.filter(day=YESTERDAY).count() == 2 and PacketBlock.objects.count() == 2
        assert pages(world, as_user, point) == truth

        # a late retransmission of yesterday's 23:30 minute upload, with other values, received tonight
        original = next(e for e in evidence_blocks.entries_of(PacketBlock.objects.get(day=YESTERDAY))
                        if e.cn == "2051" and e.data_time == at(YESTERDAY, 23 * 60 + 30))
        state = DeviceState.objects.filter(point=point).values().get()
        assert send(point, YESTERDAY, 23 * 60 + 30, "2051", 999, received=NOW - dt.timedelta(minutes=5)) == "stored"
        # the device's state (last packet, packets today) shows a new packet, compacted or not: set it back
        DeviceState.objects.filter(point=point).update(**state)
        assert Reading.objects.filter(time=at(YESTERDAY, 23 * 60 + 30)).count() == 3  # narrow again, other values
        shown = pages(world, as_user, point)
        for key, value in truth.items():
            if not key[1].startswith("packets"):
                assert shown[key] == value, key  # the readings: the block's copy wins
        assert compaction.compact_due().retransmissions == 3
        assert pages(world, as_user, point) == shown

    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):  # tonight closes: its packets compacted
        assert evidence_blocks.compact_due().retransmissions == 1
    with time_machine.travel(NOW, tick=False):
        after = pages(world, as_user, point)
    for key, value in truth.items():
        if not key[1].startswith("packets"):
            assert after[key] == value, key
            continue
        changed = [(old, new) for old, new in zip(value, after[key], strict=True) if old != new]
        assert len(after[key]) == len(value) and len(changed) == 1, key  # the original's row, counted again
        old, new = changed[0]
        assert original.qn in old and "×2" in new and "×2" not in old
        rest = list(new)
        rest.remove("×2")  # the retransmission badge after the verdict
        assert rest == old
