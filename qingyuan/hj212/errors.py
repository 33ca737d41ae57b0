"""The error family of the codec and the event for a rejected frame.

Two kinds of failure exist, as in h11:

- a frame that cannot be accepted (bad CRC, bad length, garbage...) is not an
  exception: the decoder returns an :class:`InvalidFrame` event and the session
  goes on after resynchronising on the next ``##``;
- misuse of the decoder or a state it cannot recover from raises
  :class:`ProtocolError`. Nothing else ever leaves :meth:`Decoder.next_event`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .crc import CrcMode


class ProtocolError(Exception):
    """Base class of every exception raised by ``qingyuan.hj212``."""


class CommandError(ProtocolError, ValueError):
    """A command was asked for with an argument the standard does not allow."""


class InvalidReason(enum.Enum):
    """Why a frame was rejected (``InvalidFrame.reason``)."""

    BAD_CRC = "bad_crc"  # CRC does not match, or is not 4 hex digits
    BAD_LENGTH = "bad_length"  # declared length does not fit the frame
    MISSING_CRLF = "missing_crlf"  # CRC verifies but no CR LF follows it
    BAD_HEADER = "bad_header"  # no ##, garbage, non-decimal length, unparseable header
    UNCLOSED_CP = "unclosed_cp"  # framing fine, but CP=&& is never closed by &&
    OVERSIZE = "oversize"  # declared length above the decoder's max_segment
    TRUNCATED = "truncated"  # stream ended (or a new frame began) mid-frame


@dataclass(frozen=True, slots=True)
class InvalidFrame:
    """Bytes the decoder discarded, and why.

    ``count`` is how many bytes were dropped and ``data`` what was dropped, so a
    caller can log or store it: all of it for a frame, the first
    ``GARBAGE_KEPT`` bytes of a longer garbage run (reported as one event).
    ``crc_would_match`` names another CRC mode under which the frame would have
    verified (a hint to configure ``crc_mode_for`` for that device).
    """

    reason: InvalidReason
    detail: str
    data: bytes
    crc_would_match: CrcMode | None = None
    count: int = -1  # bytes dropped; -1 when built: len(data)

    def __post_init__(self) -> None:
        if self.count < 0:
            object.__setattr__(self, "count", len(self.data))


GARBAGE_KEPT = 16384  # bytes of a garbage run an InvalidFrame carries in ``data``
