"""``{% supervision_participants patrol %}`` / ``{% supervision_participants acceptance %}``: the supervision
group's members on an inspection record, with the invite, ask, decide and sign forms the reader may use.

Anyone who reads the record sees the members who took part and their signatures; invitations and
requests are shown to the office and the group only.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from qingyuan.org.actor import actor_for
from qingyuan.supervision import access
from qingyuan.supervision.choices import ParticipationStatus
from qingyuan.supervision.forms import InviteForm, SignForm
from qingyuan.supervision.models import GROUP_ROLES, Member, Participation
from qingyuan.supervision.workflow import PARTICIPATIONS

register = template.Library()


@register.inclusion_tag("supervision/partials/participants.html", takes_context=True)
def supervision_participants(context: Any, inspection: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if inspection is None or user is None:
        return {"show": False}
    is_patrol = inspection._meta.model_name == "patrol"
    park_id = inspection.park_id if is_patrol else inspection.plan.enterprise.park_id
    rows = Participation.objects.filter(**{"patrol" if is_patrol else "acceptance": inspection}).select_related(
        "member").order_by("member__name")
    group = actor_for(user).is_superuser or bool(actor_for(user).roles_in_park(park_id) & GROUP_ROLES)
    if not group:
        rows = rows.filter(status=ParticipationStatus.CONFIRMED)
    rows = list(rows)
    manages = access.manages(user, park_id)
    member = access.current_member(user, park_id)
    today = timezone.localdate()
    listed = {p.member_id for p in rows}
    items = []
    for p in rows:
        roles = access.participation_roles(user, p)
        items.append({"p": p, "actions": PARTICIPATIONS.possible(p, roles),
                      "can_sign": "member" in roles and p.status == ParticipationStatus.CONFIRMED
                      and p.signed_at is None})
    invite_form = None
    if manages:
        serving = Member.objects.filter(park_id=park_id).serving_on(today).exclude(pk__in=listed)
        invite_form = InviteForm(members=serving) if serving.exists() else None
    return {
        "show": bool(rows) or manages or member is not None, "items": items, "invite_form": invite_form,
        "can_ask": member is not None and member.pk not in listed, "sign_form": SignForm(),
        "field": "patrol" if is_patrol else "acceptance", "inspection": inspection, "csrf_token": context.get(
            "csrf_token"),
    }
