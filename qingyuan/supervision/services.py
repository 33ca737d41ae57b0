"""Read side: "my work" items, the member's home panel and the participation record per member and year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingyuan.core.work import WorkItem
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role
from qingyuan.supervision import access
from qingyuan.supervision.choices import OpinionStatus, ParticipationStatus
from qingyuan.supervision.models import Member, Opinion, Participation
from qingyuan.tasks.choices import EscalationLevel

KIND_LABEL = _("Supervision opinion")
PARTICIPATION_LABEL = _("Joint inspection")


def work_items(user: Any) -> list[WorkItem]:
    actor = actor_for(user)
    if not actor.is_authenticated:
        return []
    items: list[WorkItem] = []
    units = [u for u, roles in actor.roles_by_unit.items() if Role.UNIT_OFFICER in roles]
    if units:
        for o in Opinion.objects.filter(unit_id__in=units, status=OpinionStatus.FILED).order_by("deadline"):
            items.append(WorkItem("opinion", KIND_LABEL, f"{o.number} {o.subject}", o.get_absolute_url(),
                                  _("Answer"), deadline=o.deadline, colour=EscalationLevel(o.escalation_level).colour,
                                  escalation=o.escalation_level, created_at=o.filed_at))
    if Role.SUPERVISOR in actor.roles or actor.roles & access.OFFICE_ROLES:
        for o in Opinion.objects.filter(member__user_id=actor.user_id, status=OpinionStatus.ANSWERED):
            items.append(WorkItem("opinion_rating", KIND_LABEL, f"{o.number} {o.subject}", o.get_absolute_url(),
                                  _("Rate the answer"), created_at=o.answered_at))
        mine = Participation.objects.filter(member__user_id=actor.user_id).select_related(
            "patrol__enterprise", "acceptance__plan__enterprise", "member")
        today = timezone.localdate()
        for p in mine.filter(Q(status=ParticipationStatus.INVITED)
                             | Q(status=ParticipationStatus.CONFIRMED, signed_at__isnull=True, day__lte=today)):
            action = _("Accept or decline") if p.status == ParticipationStatus.INVITED else _("Sign the record")
            items.append(WorkItem("participation", PARTICIPATION_LABEL, str(p.inspection), p.inspection_url, action,
                                  deadline=p.day if p.status == ParticipationStatus.INVITED else None,
                                  created_at=p.created_at))
    parks = list(actor.park_ids_with(access.OFFICE_ROLES))
    if parks:
        for p in Participation.objects.filter(park_id__in=parks, status=ParticipationStatus.REQUESTED).select_related(
                "member", "patrol__enterprise", "acceptance__plan__enterprise"):
            items.append(WorkItem("participation_request", PARTICIPATION_LABEL, f"{p.member.name} · {p.inspection}",
                                  p.inspection_url, _("Approve or refuse"), deadline=p.day, created_at=p.created_at))
    return items


def home_panel(request: Any, park: Any, today: dt.date) -> dict[str, Any] | None:
    """The member's opinions with their states and the invitations waiting for them."""
    member = access.current_member(request.user)
    if member is None:
        return None
    opinions = list(Opinion.objects.filter(member=member).select_related("unit").order_by("-filed_at")[:8])
    invitations = list(Participation.objects.filter(member=member, status=ParticipationStatus.INVITED)
                       .select_related("patrol__enterprise", "acceptance__plan__enterprise").order_by("day"))
    return {"member": member, "opinions": opinions, "invitations": invitations, "today": today,
            "list_url": reverse("supervision:list"), "new_url": reverse("supervision:create")}


@dataclass(frozen=True)
class YearRecord:
    member: Member
    opinions_filed: int
    inspections_joined: int
    records_signed: int
    answers_rated: int


def year_records(park_ids: list[int], year: int) -> list[YearRecord]:
    """One row per member whose term touches ``year``: what they did in it (two queries in all)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = list(Member.objects.filter(park_id__in=park_ids, term_start__lte=end, term_end__gte=start)
                   .annotate(filed=Count("opinions", filter=Q(opinions__year=year), distinct=True),
                             rated=Count("opinions", filter=Q(opinions__rated_at__year=year), distinct=True))
                   .order_by("type", "name"))
    joined: dict[int, tuple[int, int]] = {
        row["member_id"]: (row["n"], row["signed"]) for row in Participation.objects.filter(
            member__in=members, status=ParticipationStatus.CONFIRMED, day__year=year)
        .values("member_id").annotate(n=Count("id"), signed=Count("id", filter=Q(signed_at__isnull=False)))}
    return [YearRecord(m, m.filed, joined.get(m.pk, (0, 0))[0], joined.get(m.pk, (0, 0))[1], m.rated)
            for m in members]
