"""Duplicates: staff merge one complaint into the case it duplicates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingyuan.complaints.actions.common import (
    check,
)
from qingyuan.complaints.choices import OPEN_STATUSES, Status
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.workflow import COMPLAINTS
from qingyuan.core import audit, workflow
from qingyuan.tasks import actions as tasks
from qingyuan.tasks.choices import AssignmentStatus as A


def do_merge_complaint(c: Complaint, *, into: Complaint, acting_user: Any, reason: str = "") -> Complaint:
    """Merge a duplicate into a case: its complainant follows the case and hears its replies."""
    roles = check(c, "merge", acting_user)
    target = into.case
    if target.pk == c.pk or target.park_id != c.park_id:
        raise ValidationError({"into": _("Choose another complaint of the same park.")})
    if target.status not in OPEN_STATUSES | {Status.REPLIED}:
        raise ValidationError({"into": _("Merge only into a case that is open or replied.")})
    if c.is_review or target.is_review:
        raise ValidationError({"into": _("Reviews are not merged.")})
    old_assignment = c.assignment
    with transaction.atomic():
        workflow.fire(COMPLAINTS, c, "merge", roles=roles, acting_user=acting_user, reason=reason,
                      data={"into": target.code, "into_id": target.pk},
                      extra_updates={"merged_into": target, "handling_unit": target.handling_unit,
                                     "assignment": target.assignment, "extension_requested": False})
        audit.record("complaint.merge", target, acting_user=acting_user, related=c,
                     after={"merged": c.code}, message=reason)
        # Complaints merged into this one follow the new case too.
        Complaint.objects.filter(merged_into=c).update(merged_into=target, handling_unit=target.handling_unit,
                                                       assignment=target.assignment)
        if old_assignment is not None and old_assignment.pk != getattr(target.assignment, "pk", None) \
                and old_assignment.status in (A.ISSUED, A.IN_PROGRESS, A.RETURNED, A.SUBMITTED):
            tasks.do_withdraw_assignment(old_assignment, acting_user=acting_user,
                                         reason=_("Merged into complaint %(code)s.") % {"code": target.reference})
    return c
