"""The progress page of a long job (polled with HTMX) and its download."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from qingyuan.core.access import get_visible
from qingyuan.core.htmx import render_page
from qingyuan.core.models import Job


def jobs_visible_to(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def access_job(user: Any, pk: int) -> Job:
    """The creator's job (or any, for a superuser); 404 for everyone else."""
    return get_visible(jobs_visible_to(user), pk=pk)


def job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar; an HTMX poll gets only the partial, which stops polling once finished."""
    return render_page(request, "core/job.html", {"job": access_job(request.user, pk)},
                       partial="core/partials/job_progress.html")


def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_job(request.user, pk)
    if found.status != Job.Status.DONE or not found.result:
        raise Http404
    return FileResponse(found.result.open("rb"), as_attachment=True, filename=found.result_name,
                        content_type=found.content_type or "application/octet-stream")
