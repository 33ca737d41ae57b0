"""Counters the gateway keeps, and their JSON snapshot for the web's status page."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Stats:
    started_at: float = field(default_factory=time.time)
    packets: int = 0  # frames decoded into packets and handed to the sink
    stored: int = 0
    duplicates: int = 0
    acked: int = 0  # packets answered (9014 or 9013) after the sink's outcome
    quarantined: int = 0
    rejected: int = 0
    store_failed: int = 0  # packets not acknowledged because store raised
    store_calls: int = 0
    store_errors: int = 0
    invalid: Counter[str] = field(default_factory=Counter)  # rejected frames by reason
    invalid_bytes: int = 0  # bytes in rejected frames and discarded garbage
    connections_open: int = 0
    connections_total: int = 0
    connections_refused: Counter[str] = field(default_factory=Counter)  # over a limit, by limit
    connections_closed: Counter[str] = field(default_factory=Counter)  # by reason
    commands_sent: int = 0
    commands_undeliverable: int = 0
    forwarded: int = 0
    forward_errors: int = 0
    sink_queue: int = 0
    sink_queue_peak: int = 0
    sink_paused: int = 0  # times reading was paused because the sink queue was full

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: getattr(self, name) for name in self.__slots__
        }
        for name, value in data.items():
            if isinstance(value, Counter):
                data[name] = dict(sorted(value.items()))
        data["invalid_total"] = sum(self.invalid.values())
        data["uptime"] = round(time.time() - self.started_at, 3)
        data["written_at"] = time.time()
        return data

    def dump(self, path: str) -> None:
        """Write the snapshot atomically (readers never see half a file)."""
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.snapshot(), fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
