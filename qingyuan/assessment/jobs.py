"""The worker job that computes a scheme's year (or a quarter) and leaves the Excel of scores to download."""

from __future__ import annotations

from typing import Any

from qingyuan.assessment import actions, outputs
from qingyuan.assessment.models import Scheme
from qingyuan.core import excel, jobs

KIND = "assessment.compute"


@jobs.register(KIND)
def compute(job: Any, progress: Any) -> None:
    scheme = Scheme.objects.get(pk=job.params["scheme"])
    quarter = int(job.params.get("quarter", 0))
    actions.do_compute_scores(scheme, quarter=quarter, acting_user=job.created_by, progress=progress)
    name = f"{scheme.year}-{outputs.quarter_label(quarter)}-scores.xlsx"
    jobs.set_result(job, name, outputs.scores_workbook(scheme, quarter), excel.XLSX_TYPE)
