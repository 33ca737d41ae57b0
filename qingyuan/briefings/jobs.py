"""Briefing jobs for the worker: draft a briefing from the period's facts; render it as .docx or PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from qingyuan.briefings import actions, render
from qingyuan.briefings.models import Briefing
from qingyuan.core import jobs
from qingyuan.core.models import Job
from qingyuan.org.models import Park

DRAFT = "briefings.draft"
RENDER = "briefings.render"


def draft(job: Job, progress: Any) -> None:
    p = job.params
    user = get_user_model().objects.get(pk=p["user"])
    briefing = actions.do_draft_briefing(
        Park.objects.get(pk=p["park"]), kind=p["kind"], start=dt.date.fromisoformat(p["start"]),
        end=dt.date.fromisoformat(p["end"]), title=p["title"], acting_user=user, progress=progress)
    job.params = {**p, "briefing": briefing.pk, "url": briefing.get_absolute_url()}  # the job page links it
    Job.objects.filter(pk=job.pk).update(params=job.params)
    progress(8, 9, "docx")
    jobs.set_result(job, render.filename(briefing, "docx"), render.docx(briefing), render.DOCX)


def render_file(job: Job, progress: Any) -> None:
    briefing = Briefing.objects.get(pk=job.params["briefing"])
    if job.params["format"] == "pdf":
        jobs.set_result(job, render.filename(briefing, "pdf"), render.pdf(briefing, progress), render.PDF)
    else:
        jobs.set_result(job, render.filename(briefing, "docx"), render.docx(briefing, progress), render.DOCX)


def connect() -> None:
    jobs.register(DRAFT)(draft)
    jobs.register(RENDER)(render_file)
