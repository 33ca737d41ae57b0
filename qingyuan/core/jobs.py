"""Long jobs with a progress bar: queued by a page, run by the worker, polled with HTMX.

A domain app registers a handler for a kind of job in its ``AppConfig.ready``::

    @jobs.register("briefings.render")
    def render(job, progress):
        progress(1, 3, "Drawing charts")
        ...
        jobs.set_result(job, "briefing.docx", content, DOCX)

``submit`` queues a job (audited); the worker step ``jobs`` claims one queued job with
an optimistic ``UPDATE ... WHERE status='queued'`` and runs it; the page polls
``core:job`` until the job is done (download link) or failed (the error).
Core imports no domain app: handlers come to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from qingyuan.core import audit
from qingyuan.core.models import Job

log = logging.getLogger("qingyuan.jobs")

Progress = Callable[[int, int, str], None]
Handler = Callable[[Job, Progress], None]

_HANDLERS: dict[str, Handler] = {}


def register(kind: str) -> Callable[[Handler], Handler]:
    """Decorator: ``handler(job, progress)`` runs jobs of ``kind``."""

    def decorator(handler: Handler) -> Handler:
        _HANDLERS[kind] = handler
        return handler

    return decorator


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def submit(kind: str, *, params: dict[str, Any], user: Any, title: str) -> Job:
    """Queue a job of ``kind`` for the worker; the audit entry names who asked for it."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    job = Job.objects.create(
        kind=kind, title=title[:200], params=params,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record("job.submit", job, acting_user=user, after={"kind": kind, "params": job.params})
    return job


def set_result(job: Job, filename: str, content: bytes, content_type: str) -> None:
    """Store the job's file (under MEDIA_ROOT/jobs/<pk>/) and the name it downloads as."""
    job.result.save(filename, ContentFile(content), save=False)
    job.result_name = filename
    job.content_type = content_type
    Job.objects.filter(pk=job.pk).update(result=job.result.name, result_name=filename, content_type=content_type)


def _progress_for(job: Job) -> Progress:
    def progress(done: int, total: int, message: str = "") -> None:
        job.done, job.total, job.message = max(done, 0), max(total, 0), str(message)[:200]
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total, message=job.message)

    return progress


def _run(job: Job) -> None:
    """Run a claimed (running) job; its handler's exception marks it failed, with the message kept.

    The handler runs outside any transaction of ours so each progress update is seen by the
    polling page at once; a handler wraps its own domain writes in ``transaction.atomic``.
    """
    handler = _HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler registered for job kind {job.kind!r}")
        handler(job, _progress_for(job))
    except Exception as exc:  # the job records the failure; the worker goes on
        log.exception("job %s (%s) failed", job.pk, job.kind)
        error = str(exc) or type(exc).__name__
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=error, finished_at=timezone.now())
        job.refresh_from_db()
        audit.record("job.fail", job, acting_user=None, message=error)
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=F("total"), finished_at=timezone.now())
    job.refresh_from_db()
    audit.record("job.finish", job, acting_user=None, after={"result_name": job.result_name})


def _claim(job_id: int) -> bool:
    return bool(
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now()
        )
    )


def handle_one_job() -> bool:
    """Worker step: claim the oldest queued job and run it. False when none is waiting."""
    for job_id in Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at", "id").values_list(
        "pk", flat=True
    )[:5]:
        if _claim(job_id):  # another worker may have taken it between the select and the update
            _run(Job.objects.get(pk=job_id))
            return True
    return False


def run_now(job: Job) -> None:
    """Run ``job`` in this process (tests, ``--once``); a job already claimed elsewhere is left alone."""
    if _claim(job.pk):
        _run(job)
    job.refresh_from_db()
