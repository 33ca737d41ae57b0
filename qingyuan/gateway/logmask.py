"""Log records of the gateway and ingest never carry a device password.

A frame can reach a log line in many ways: a refusal's detail, an exception a
failed store raised (PostgreSQL quotes the failing row, raw frame included), a
repr in a debug line. ``PasswordMask`` is a logger filter: it formats the
record's message (and the traceback of ``log.exception``) once and masks every
``PW=`` in it with :func:`qingyuan.hj212.mask_password`, so every handler
(console, file, pytest's capture) sees the masked line.
"""

from __future__ import annotations

import logging
import traceback

from qingyuan.hj212 import mask_password


class PasswordMask(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_password(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask_password(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_password(record.stack_info)
        return True


def masked_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with a :class:`PasswordMask` (added once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, PasswordMask) for f in logger.filters):
        logger.addFilter(PasswordMask())
    return logger
