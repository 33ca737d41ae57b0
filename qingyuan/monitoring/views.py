from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def device_status(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
