"""``qingyuan expire``: delete what is beyond the retention windows now, as a job with a progress bar.

The worker does the same every hour (step ``monitoring.expire``); this command works off a backlog
at once (after lowering a window, or on a server that ran without a worker). It runs in this
process as a ``core.jobs`` job, so its progress shows on the job's page and the storage page.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qingyuan.core import jobs
from qingyuan.core.models import Job
from qingyuan.monitoring import retention


class Command(BaseCommand):
    help = "Delete real-time and minute readings and raw packets beyond their retention windows (held days stay)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--rescan", action="store_true",
                            help="Look again at every day, also those already looked at (data that came late).")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        job = jobs.submit(retention.JOB_KIND, params={"rescan": options["rescan"], "source": "command"}, user=None,
                          title=_("Expire monitoring data beyond its retention window"))
        self.stdout.write(f"job {job.pk}: progress on /jobs/{job.pk}/ and the storage page")
        jobs.run_now(job)
        if job.status != Job.Status.DONE:
            raise CommandError(f"expiry failed: {job.error or job.status}")
        self.stdout.write(f"done: {job.message or 'nothing was due'}")
