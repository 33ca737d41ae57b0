"""Every change to complaints: intake, acceptance and routing, handling, reply, rating, review, merge.

Each ``do_*`` checks the workflow rule first (a refusal raises ``TransitionError`` with
the reason and changes nothing), then the input (``ValidationError`` keyed by field),
then writes in one transaction: the state through ``workflow.fire`` (transition record
and audit entry), the content with its own audit entry, the complaint's assignment
through ``qingyuan.tasks.actions``, and the notifications and text messages, which are
written on commit. ``acting_user=None`` is the system; the complainant acts
anonymously with ``as_complainant=True``.

Personal data (name, phone) never goes into audit entries: they record whether a phone
was given, not the number.
"""

from qingyuan.complaints.actions.acceptance import (
    do_accept_complaint,
    do_not_accept_complaint,
    do_reroute_complaint,
    do_return_complaint,
)
from qingyuan.complaints.actions.common import clean_text, new_code, phone_hash, public_snapshot
from qingyuan.complaints.actions.feedback import (
    can_request_review,
    close_one,
    do_close_complaint,
    do_rate_complaint,
    do_request_review,
    review_deadline,
)
from qingyuan.complaints.actions.handling import (
    do_decide_extension,
    do_reply_complaint,
    do_request_extension,
    do_start_handling,
    mirror_extension_one,
)
from qingyuan.complaints.actions.intake import do_register_complaint, do_set_photo_public, do_submit_complaint
from qingyuan.complaints.actions.merging import do_merge_complaint
from qingyuan.complaints.actions.policy import do_set_category_rules, do_set_complaint_policy
from qingyuan.complaints.actions.receipt import do_record_signed_receipt, do_record_sms_receipt

__all__ = [
    "can_request_review", "clean_text", "close_one", "do_accept_complaint", "do_close_complaint", "do_decide_extension",
    "do_merge_complaint", "do_not_accept_complaint", "do_rate_complaint", "do_register_complaint", "do_reply_complaint",
    "do_request_extension", "do_request_review", "do_reroute_complaint", "do_return_complaint", "do_set_photo_public",
    "do_start_handling", "do_submit_complaint", "mirror_extension_one", "new_code", "phone_hash", "public_snapshot",
    "review_deadline", "do_set_category_rules", "do_set_complaint_policy", "do_record_signed_receipt",
    "do_record_sms_receipt",
]
