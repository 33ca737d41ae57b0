"""Every change to plans is a ``do_*`` action: one transaction, its audit entry, notifications on commit.

Views, the API and the demo seeder call these; nothing else saves plan objects.
"""

from qingyuan.plans.actions.acceptance import (
    do_decide_acceptance,
    do_record_findings,
    do_request_acceptance,
    do_schedule_acceptance,
)
from qingyuan.plans.actions.park import (
    do_add_load_target,
    do_add_milestone,
    do_add_target,
    do_approve_park_plan,
    do_create_park_plan,
    do_remove_load_target,
    do_remove_milestone,
    do_remove_target,
    do_update_park_plan,
)
from qingyuan.plans.actions.plans import (
    do_add_measure,
    do_attach_evidence,
    do_create_plan,
    do_remove_measure,
    do_return_plan,
    do_submit_plan,
    do_transition_measure,
    do_update_measure,
    do_update_plan,
)
from qingyuan.plans.actions.review import do_assign_reviewers, do_conclude_review, do_submit_opinion

__all__ = [
    "do_add_load_target", "do_add_measure", "do_add_milestone", "do_add_target", "do_approve_park_plan",
    "do_assign_reviewers", "do_attach_evidence", "do_conclude_review", "do_create_park_plan", "do_create_plan",
    "do_decide_acceptance", "do_record_findings", "do_remove_load_target", "do_remove_measure",
    "do_remove_milestone", "do_remove_target", "do_request_acceptance", "do_return_plan",
    "do_schedule_acceptance", "do_submit_opinion", "do_submit_plan", "do_transition_measure",
    "do_update_measure", "do_update_park_plan", "do_update_plan",
]
