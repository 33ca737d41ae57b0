from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from qingyuan.core.workflow import TransitionError
from qingyuan.surveys.access import can_manage, reader_park

REFUSALS = (TransitionError, ValidationError)


def refused(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, TransitionError):
        messages.error(request, error.message)
    else:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


def form_errors(request: HttpRequest, form: Any) -> None:
    lines = [f"{form.fields[name].label if name in form.fields else ''}{'：' if name in form.fields else ''}{e}"
             for name, errors in form.errors.items() for e in errors]
    messages.error(request, "；".join(lines))


def managed_park(request: HttpRequest) -> Any:
    park = reader_park(request.user)
    if not can_manage(request.user, park.pk):
        raise Http404
    return park
