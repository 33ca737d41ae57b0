"""Units read as words are shown in the user's language: a pH alarm reads 无量纲, not "dimensionless"."""

from __future__ import annotations

import json
import re

import pytest
import time_machine
from django.utils import translation

from qingyuan.alarms.models import Alarm
from qingyuan.core.templatetags.units import unit_label
from qingyuan.ingest.process import process_packets
from qingyuan.quality.tests.support import at, packet, permit


@pytest.mark.parametrize(("unit", "zh", "en"), [
    ("dimensionless", "无量纲", "dimensionless"),
    ("Dimensionless ", "无量纲", "dimensionless"),
    ("count/L", "个/L", "count/L"),
    ("grade", "级", "grade"),
    ("dilution factor", "稀释倍数", "dilution factor"),
    ("degree (colour)", "度", "degree (colour)"),
    ("mg/L", "mg/L", "mg/L"),       # symbols read the same in every language
    ("mg/m3", "mg/m3", "mg/m3"),
    ("无量纲", "无量纲", "无量纲"),    # a permit may already spell it in Chinese
    ("", "", ""),
    (None, "", ""),
])
def test_it_translates_unit_words_and_keeps_symbols(unit, zh, en):
    with translation.override("zh-hans"):
        assert unit_label(unit) == zh
    with translation.override("en"):
        assert unit_label(unit) == en


@pytest.fixture
def ph_alarm(world, django_capture_on_commit_callbacks):
    """A daily pH of 11.7 above a permit's 9, committed through the sink and judged on commit."""
    permit(world.enterprise_a, world.point_a.outlet, {"w01001": 9.0}, unit="dimensionless")
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = process_packets([packet(world.point_a, at("2026-03-01 00:00"), {"w01001": 11.7}, cn="2031")])
    assert [o.verdict.value for o in outcomes] == ["stored"]
    alarm = Alarm.objects.get(kind="exceedance", parameter="w01001")
    assert (alarm.peak, alarm.limit, alarm.unit) == (11.7, 9.0, "dimensionless")
    return alarm


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_shows_a_ph_alarm_as_dimensionless_in_chinese(world, as_user, ph_alarm):
    client = as_user(world.regulator)
    board = _text(client.get("/alarms/").content.decode())
    assert "11.700 无量纲" in board and "dimensionless" not in board
    response = client.get(f"/alarms/{ph_alarm.pk}/")
    page = _text(response.content.decode())
    assert "11.7000 无量纲" in page and "9 无量纲" in page and "dimensionless" not in page
    chart = json.loads(response.context["chart"])
    assert chart["unit"] == "无量纲"


def test_it_keeps_dimensionless_in_english(world, as_user, ph_alarm):
    client = as_user(world.regulator)
    board = _text(client.get("/alarms/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "11.700 dimensionless" in board and "无量纲" not in board
    page = _text(client.get(f"/alarms/{ph_alarm.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "11.7000 dimensionless" in page


def test_it_shows_the_unit_on_the_compliance_page_in_chinese(world, as_user, ph_alarm):
    page = _text(as_user(world.regulator).get(f"/quality/enterprises/{world.enterprise_a.pk}/").content.decode())
    assert "9 无量纲" in page and "dimensionless" not in page


def test_it_shows_the_ph_unit_on_the_point_page_and_chart(world, as_user):
    with time_machine.travel(at("2026-03-02 08:15"), tick=False):
        process_packets([packet(world.point_a, at("2026-03-02 08:00"), {"w01001": 7.2, "w01018": 40.0})])
        client = as_user(world.regulator)
        page = _text(client.get(f"/monitoring/points/{world.point_a.pk}/").content.decode())
        series = {s["code"]: s["unit"] for s in client.get(f"/monitoring/points/{world.point_a.pk}/chart.json")
                  .json()["series"]}
    assert "pH值 无量纲" in page and "dimensionless" not in page
    assert series == {"w01001": "无量纲", "w01018": "mg/L"}
