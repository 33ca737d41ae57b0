"""What the demo's console says: the simulator's deliberate faults in plain words, a gateway warning
that does not contradict itself, and every log line in one time zone with its offset."""

from __future__ import annotations

import logging
import logging.config

from django.conf import settings

from qingyuan.gateway import run
from qingyuan.simulator.management.commands.simulate import fault_lines
from qingyuan.simulator.packets import DeviceSpec
from qingyuan.simulator.points import UNKNOWN_MN
from qingyuan.simulator.scenarios import SCENARIOS


def test_it_explains_the_simulators_deliberate_faults_and_what_gave_up_counts():
    specs = [DeviceSpec(mn="361123000101A80000010000", password="1", name="宏达总排口", scenarios=frozenset({"bad_crc"})),
             DeviceSpec(mn="361123000201A80000020000", password="1", name="精细化工排气筒"),
             DeviceSpec(mn=UNKNOWN_MN, password="123456", name="unregistered logger")]
    text = "\n".join(fault_lines(specs))
    assert "2 loggers misbehave on purpose" in text
    assert f"宏达总排口 (361123000101A80000010000): {SCENARIOS['bad_crc']}" in text
    assert f"({UNKNOWN_MN}): {SCENARIOS['unknown_mn']}" in text
    assert "精细化工排气筒" not in text
    assert '"gave up" counts uploads still unacknowledged after the retries' in text
    assert fault_lines([specs[1]]) == []


def test_the_stats_line_says_what_each_count_means():
    from qingyuan.simulator.device import FleetStats

    line = FleetStats(sent=900, acked=700, gave_up=175).line()
    assert "gave up 175 (still unacknowledged after the retries: expected from the deliberately faulty loggers" in line


def test_the_open_files_warning_names_what_is_needed(monkeypatch, caplog):
    monkeypatch.setattr(run, "raise_open_files_limit", lambda: 20000)
    monkeypatch.setattr(run.asyncio, "run", lambda coro: coro.close())
    with caplog.at_level(logging.WARNING, logger="qingyuan.gateway"):
        assert run.main(lambda: None, environ={"QINGYUAN_GATEWAY_MAX_CONNECTIONS": "20000"}) == 0  # type: ignore[arg-type,return-value]
    message = caplog.records[-1].getMessage()
    assert "below max_connections" not in message
    assert "open files limit 20000 leaves no room for max_connections 20000" in message
    assert "at least 20064" in message


def test_application_log_lines_carry_the_park_zone_and_offset(capsys):
    config = {**settings.LOGGING, "handlers": {"console": {
        "class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stdout"}}}
    logging.config.dictConfig(config)
    try:
        record = logging.LogRecord("qingyuan.test", logging.INFO, __file__, 1, "hello", None, None)
        record.created = 1_765_000_000.0  # 2025-12-06 05:46:40 UTC
        logging.getLogger("qingyuan.test").handle(record)
        assert "2025-12-06 13:46:40.000+08:00 INFO qingyuan.test hello" in capsys.readouterr().out
    finally:
        logging.config.dictConfig(settings.LOGGING)


def test_gunicorn_runs_in_the_park_zone(monkeypatch):
    from qingyuan import cli

    seen = {}
    monkeypatch.setenv("QINGYUAN_SECRET_KEY", "x" * 60)
    monkeypatch.delenv("QINGYUAN_TIME_ZONE", raising=False)
    monkeypatch.setattr(cli.os, "execvp", lambda exe, argv: seen.update(tz=cli.os.environ["TZ"], argv=argv))
    monkeypatch.setenv("TZ", "UTC")
    cli._web([])
    assert seen["tz"] == "Asia/Shanghai" and "--access-logfile" in seen["argv"]
