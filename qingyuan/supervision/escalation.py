"""Unanswered opinions climb the assignments' escalation ladder: worker step ``supervision_escalate``.

One ladder: the levels (reminder, 催办, 督办, 挂牌督办), the park's ``EscalationPolicy`` and the pure date
rules (``qingyuan.tasks.ladder``) are the assignments' own; this module only schedules opinions on it,
as ``qingyuan.tasks.escalation`` schedules assignments. Each opinion waiting on its unit carries
``next_escalation_at``; the step claims one due row with ``UPDATE ... WHERE`` the level, deadline, next
check and status it read (another worker or the unit's answer meanwhile makes it match nothing, and
nobody is told twice), then records an audit entry and notifies: the unit's officers at every level,
from 督办 on also the office, the leaders and the member who filed it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.core.notify import notify
from qingyuan.org.choices import Role
from qingyuan.supervision.actions import park_office, unit_officers
from qingyuan.supervision.choices import ESCALATING
from qingyuan.supervision.models import Opinion
from qingyuan.tasks.choices import EscalationLevel
from qingyuan.tasks.escalation import next_check_at
from qingyuan.tasks.ladder import next_level
from qingyuan.tasks.models import EscalationPolicy

KIND = "opinion.escalated"


def handle_one_opinion_escalation() -> bool:
    """Worker step: move one due opinion to the level its dates call for. False when none is due."""
    now = timezone.now()
    opinion = (Opinion.objects.filter(next_escalation_at__lte=now, status__in=ESCALATING)
               .select_related("unit", "member__user").order_by("next_escalation_at", "id").first())
    if opinion is None:
        return False
    ladder = EscalationPolicy.ladder_for(opinion.park_id)
    new = next_level(opinion.deadline, timezone.localdate(now), ladder, opinion.escalation_level)
    following = next_check_at(opinion.deadline, ladder, new)
    with transaction.atomic():
        won = Opinion.objects.filter(
            pk=opinion.pk, escalation_level=opinion.escalation_level, deadline=opinion.deadline,
            next_escalation_at=opinion.next_escalation_at, status__in=ESCALATING,
        ).update(escalation_level=new, next_escalation_at=following,
                 **({"escalated_at": now} if new != opinion.escalation_level else {}))
        if won and new != opinion.escalation_level:
            _record(opinion, new)
    return True


def _record(opinion: Opinion, new: int) -> None:
    old = opinion.escalation_level
    opinion.escalation_level = new
    level = EscalationLevel(new).label
    audit.record("opinion.escalate", opinion, acting_user=None, before={"escalation_level": old},
                 after={"escalation_level": new, "deadline": opinion.deadline.isoformat()}, message=str(level))
    recipients = unit_officers(opinion.unit_id)
    if new >= EscalationLevel.SUPERVISED:
        recipients += park_office(opinion.park_id, (Role.OFFICE_STAFF, Role.LEADER)) + [opinion.member.user]
    notify(recipients, kind=KIND,
           title=_("%(level)s: supervision opinion %(number)s %(subject)s") % {
               "level": level, "number": opinion.number, "subject": opinion.subject},
           body=_("Addressed to %(unit)s, answer due by %(date)s.") % {
               "unit": opinion.unit, "date": opinion.deadline.isoformat()},
           url=opinion.get_absolute_url())
