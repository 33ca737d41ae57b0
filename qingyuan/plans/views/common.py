"""Small helpers the plan views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from qingyuan.core.workflow import TransitionError


def attempt(request: HttpRequest, run: Callable[[], Any], success: str) -> bool:
    """Run an action; a refusal or an invalid value becomes an error message, nothing is written."""
    try:
        run()
    except TransitionError as exc:
        messages.error(request, exc.message)
        return False
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)
