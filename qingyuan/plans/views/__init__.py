"""Plan pages, one module per screen family."""

from qingyuan.plans.views.acceptance import (
    acceptance,
    acceptance_findings,
    acceptance_record,
    acceptance_request,
    acceptance_schedule,
    acceptance_verdict,
)
from qingyuan.plans.views.park import (
    load_add,
    milestone_add,
    park_plan_approve,
    park_plan_detail,
    park_plan_form,
    park_plan_list,
    row_remove,
    target_add,
)
from qingyuan.plans.views.plans import (
    evidence_download,
    evidence_upload,
    measure_delete,
    measure_form,
    measure_transition,
    plan_create,
    plan_detail,
    plan_edit,
    plan_export,
    plan_list,
    plan_return,
    plan_submit,
)
from qingyuan.plans.views.review import review, review_assign, review_conclude, review_opinion

__all__ = [
    "acceptance", "acceptance_findings", "acceptance_record", "acceptance_request", "acceptance_schedule",
    "acceptance_verdict", "evidence_download", "evidence_upload", "load_add", "measure_delete", "measure_form",
    "measure_transition", "milestone_add", "park_plan_approve", "park_plan_detail", "park_plan_form", "plan_export",
    "park_plan_list", "plan_create", "plan_detail", "plan_edit", "plan_list", "plan_return", "plan_submit",
    "review", "review_assign", "review_conclude", "review_opinion", "row_remove", "target_add",
]
