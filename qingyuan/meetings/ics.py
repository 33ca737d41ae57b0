"""One meeting as an iCalendar file (RFC 5545): VCALENDAR with one VEVENT, text escaped (§3.3.11),
lines folded at 75 octets (§3.1), CRLF line ends, times in UTC."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qingyuan.meetings.models import Meeting


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped; newlines as \\n."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    out, current = [], b""
    for ch in line:
        b = ch.encode()
        limit = 75 if not out else 74  # continuation lines start with one space
        if len(current) + len(b) > limit:
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(meeting: Meeting, url: str, host: str = "qingyuan") -> str:
    description = "\n".join(x for x in [meeting.notice, url] if x)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Qingyuan//Meetings//ZH", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SUMMARY:{escape(meeting.title)}",
        f"LOCATION:{escape(meeting.place)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        "STATUS:" + ("CANCELLED" if meeting.status == "cancelled" else "CONFIRMED"),
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
