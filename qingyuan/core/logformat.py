"""One time zone in every log line: the park's (TIME_ZONE, Asia/Shanghai), with its offset.

The application's log lines (this formatter, settings.LOGGING) read ``2026-12-06 07:37:32.123+08:00``;
gunicorn's access and error lines are written in the same zone because ``qingyuan web`` starts it
with ``TZ`` set to TIME_ZONE (``[06/Dec/2026:07:37:32 +0800]``). Both carry the offset, so a line
is never read in the wrong zone.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo


class ZonedFormatter(logging.Formatter):
    def __init__(self, fmt: str | None = None, *, zone: str = "Asia/Shanghai") -> None:
        super().__init__(fmt)
        self.zone = ZoneInfo(zone)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        moment = dt.datetime.fromtimestamp(record.created, self.zone)
        return moment.isoformat(sep=" ", timespec="milliseconds")
