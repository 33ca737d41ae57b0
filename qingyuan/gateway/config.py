"""Gateway settings: one frozen dataclass, built from ``QINGYUAN_GATEWAY_*``.

Every value has a default that suits a county park on one machine. A value
that does not parse raises :class:`ConfigError` naming the variable, so a
typo stops the gateway at start instead of changing its behaviour silently.
"""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

PREFIX = "QINGYUAN_GATEWAY_"

T = TypeVar("T")


class ConfigError(ValueError):
    """A QINGYUAN_GATEWAY_* variable has a value the gateway cannot use."""


@dataclass(frozen=True, slots=True)
class UpstreamAddress:
    """A forwarding target named in the environment (``name=host:port``)."""

    name: str
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    host: str = "0.0.0.0"
    port: int = 9212
    #: This gateway's identity among several on one database ("" = ``<hostname>:<port>``).
    #: At start the gateway closes the device sessions a previous run under the same
    #: identity left open (it was killed); two running gateways must not share one.
    name: str = ""
    #: Connections over these limits are closed as soon as they are accepted.
    max_connections: int = 20_000
    max_per_ip: int = 64
    #: A connection with no bytes received and nothing pending for this long is closed.
    idle_timeout: float = 900.0
    #: A frame that stays incomplete this long is a slow sender: the connection is closed.
    frame_timeout: float = 30.0
    #: Largest data segment accepted (the 4-digit length allows 9999; the standard says 1024).
    max_segment: int = 9999
    #: A connection is closed after this many rejected frames in a row (no packet between),
    #: or once this many bytes in a row were rejected or discarded as garbage.
    max_invalid_frames: int = 100
    max_garbage_bytes: int = 64 * 1024
    #: Per connection: pause reading above this many bytes of received-but-unanswered
    #: packets, resume below the low mark.
    high_water: int = 64 * 1024
    low_water: int = 16 * 1024
    #: Transport write buffer limit: a peer that does not read its replies stops being read.
    write_high_water: int = 64 * 1024
    #: Group commit: at most this many packets per ``Sink.store`` call, and a packet
    #: waits at most ``batch_delay`` seconds for others to join its batch.
    batch_size: int = 500
    batch_delay: float = 0.005
    #: All connections pause reading while this many packets wait for the sink.
    sink_queue_high: int = 20_000
    sink_queue_low: int = 5_000
    #: After a failed store the sink is left alone this long (doubling up to the cap).
    store_retry_delay: float = 0.2
    store_retry_cap: float = 5.0
    #: Graceful shutdown: how long in-flight packets get to be stored and answered.
    shutdown_grace: float = 10.0
    #: How often the sink is asked for commands queued for connected devices.
    command_interval: float = 1.0
    #: Forwarding: if set, only the sink's upstreams with these names are fed, at these
    #: addresses (``name=host:port,...``); if empty, every upstream the sink lists.
    forward: bool = True
    upstreams: tuple[UpstreamAddress, ...] = ()
    forward_interval: float = 1.0
    forward_batch: int = 200
    forward_backoff: float = 1.0
    forward_backoff_cap: float = 60.0
    #: Wait this long for the upstream's 9014 to a forwarded packet that asked for one;
    #: with ``forward_require_ack`` off, a packet counts as delivered once written.
    forward_ack_timeout: float = 10.0
    forward_require_ack: bool = True
    #: Time zone of the 1012 time the gateway sends after a 1013 request.
    time_zone: str = "Asia/Shanghai"
    #: Send 1012 (set time) when a device is first authenticated on a connection (§6.7).
    sync_time_on_connect: bool = False
    #: Where the counters are written as JSON, and how often ("" = never).
    stats_path: str = ""
    stats_interval: float = 10.0
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        _check(self.low_water <= self.high_water, "LOW_WATER must not exceed HIGH_WATER")
        _check(self.sink_queue_low <= self.sink_queue_high, "SINK_QUEUE_LOW must not exceed SINK_QUEUE_HIGH")
        _check(self.batch_size >= 1, "BATCH_SIZE must be at least 1")
        _check(0 < self.max_segment <= 9999, "MAX_SEGMENT must be between 1 and 9999")
        _check(0 <= self.port <= 65535, "PORT must be between 0 and 65535")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> GatewayConfig:
        """Read every ``QINGYUAN_GATEWAY_<FIELD>`` that is set; keyword overrides win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in dataclasses.fields(cls):
            key = PREFIX + f.name.upper()
            raw = env.get(key)
            if raw is None:
                continue
            values[f.name] = _PARSERS[f.name](key, raw.strip())
        values.update(overrides)
        try:
            return cls(**values)  # type: ignore[arg-type]
        except ConfigError:
            raise
        except TypeError as exc:
            raise ConfigError(str(exc)) from exc

    @property
    def instance(self) -> str:
        """``name``, or ``<hostname>:<port>`` (the configured port) when no name is set."""
        return self.name or f"{socket.gethostname()}:{self.port}"

    def replace(self, **changes: object) -> GatewayConfig:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(PREFIX + message)


def parse_int(key: str, raw: str, *, minimum: int = 0) -> int:
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{key}={raw!r}: expected an integer") from None
    if value < minimum:
        raise ConfigError(f"{key}={raw!r}: must be at least {minimum}")
    return value


def parse_float(key: str, raw: str, *, minimum: float = 0.0) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{key}={raw!r}: expected a number of seconds") from None
    if value != value or value < minimum:
        raise ConfigError(f"{key}={raw!r}: must be a number >= {minimum}")
    return value


def parse_bool(key: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{key}={raw!r}: expected true or false")


def parse_upstreams(key: str, raw: str) -> tuple[UpstreamAddress, ...]:
    """``province=10.0.0.5:9212,city=city.example:8000``."""
    result: list[UpstreamAddress] = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, sep, address = item.partition("=")
        host, colon, port = address.rpartition(":")
        if not sep or not colon or not name or not host:
            raise ConfigError(f"{key}: {item!r} is not name=host:port")
        result.append(UpstreamAddress(name.strip(), host.strip("[] "), parse_int(key, port, minimum=1)))
    return tuple(result)


def parse_time_zone(key: str, raw: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{key}={raw!r}: unknown time zone") from None
    return raw


def parse_log_level(key: str, raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"{key}={raw!r}: expected DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return level


def _text(key: str, raw: str) -> str:
    return raw


def _int(minimum: int) -> Callable[[str, str], int]:
    return lambda key, raw: parse_int(key, raw, minimum=minimum)


def _seconds(minimum: float) -> Callable[[str, str], float]:
    return lambda key, raw: parse_float(key, raw, minimum=minimum)


_PARSERS: dict[str, Callable[[str, str], object]] = {
    "host": _text,
    "port": _int(0),
    "name": _text,
    "max_connections": _int(1),
    "max_per_ip": _int(1),
    "idle_timeout": _seconds(0.01),
    "frame_timeout": _seconds(0.01),
    "max_segment": _int(1),
    "max_invalid_frames": _int(1),
    "max_garbage_bytes": _int(1),
    "high_water": _int(1),
    "low_water": _int(0),
    "write_high_water": _int(1),
    "batch_size": _int(1),
    "batch_delay": _seconds(0.0),
    "sink_queue_high": _int(1),
    "sink_queue_low": _int(0),
    "store_retry_delay": _seconds(0.0),
    "store_retry_cap": _seconds(0.0),
    "shutdown_grace": _seconds(0.0),
    "command_interval": _seconds(0.01),
    "forward": parse_bool,
    "upstreams": parse_upstreams,
    "forward_interval": _seconds(0.01),
    "forward_batch": _int(1),
    "forward_backoff": _seconds(0.01),
    "forward_backoff_cap": _seconds(0.01),
    "forward_ack_timeout": _seconds(0.01),
    "forward_require_ack": parse_bool,
    "time_zone": parse_time_zone,
    "sync_time_on_connect": parse_bool,
    "stats_path": _text,
    "stats_interval": _seconds(0.01),
    "log_level": parse_log_level,
}
