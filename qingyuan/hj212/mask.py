"""Mask the access password of a frame (``PW=******``) before it is shown, exported or logged.

The stored evidence stays as received; this is applied on the way out. Every
key ending in ``PW`` is masked (``PW=`` in the header, ``NewPW=`` in the CP of
a 1072 command), in any case and with any spacing around ``=``, up to the next
``;`` or ``,`` (the header separators), ``&&`` (the CP delimiters) or line end,
so a frame too broken to decode is masked all the same. The value of an empty
password is masked too: the mask tells nothing about the password.
"""

from __future__ import annotations

import re
from typing import overload

MASK = "******"

_TEXT = re.compile(r"(PW[ \t]*=)(?:(?!&&)[^;,\r\n])*", re.IGNORECASE)
_BYTES = re.compile(rb"(PW[ \t]*=)(?:(?!&&)[^;,\r\n])*", re.IGNORECASE)
_TEXT_MASK = r"\g<1>" + MASK
_BYTES_MASK = rb"\g<1>" + MASK.encode("ascii")


@overload
def mask_password(frame: str) -> str: ...


@overload
def mask_password(frame: bytes) -> bytes: ...


def mask_password(frame: str | bytes) -> str | bytes:
    """``frame`` with the value of every ``PW=`` (``NewPW=``...) replaced by ``******``."""
    if isinstance(frame, bytes):
        return _BYTES.sub(_BYTES_MASK, frame)
    return _TEXT.sub(_TEXT_MASK, frame)
