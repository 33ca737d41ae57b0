"""The workflows of supervision opinions and of members' participation in inspections.

    opinion:        filed ─answer (addressed unit)─▶ answered ─rate (author)─▶ rated
                    filed ─withdraw (author or office, reason)─▶ withdrawn
    participation:  invited ─accept / decline (the member)─▶ confirmed / declined
                    requested ─approve / refuse (the office)─▶ confirmed / refused
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from qingyuan.core.workflow import Workflow, transition
from qingyuan.supervision.choices import OpinionStatus as O
from qingyuan.supervision.choices import ParticipationStatus as P

AUTHOR = "author"   # the member who filed the opinion
UNIT = "unit"       # an officer of the unit it is addressed to
OFFICE = "office"   # the park's office (office staff, admins)
MEMBER = "member"   # the member a participation is about

OPINIONS = Workflow(
    name="opinion",
    states=O,
    transitions=[
        transition("answer", {O.FILED}, O.ANSWERED, roles={UNIT},
                   label=pgettext_lazy("supervision", "Answer"), style="success"),
        transition("rate", {O.ANSWERED}, O.RATED, roles={AUTHOR},
                   label=pgettext_lazy("supervision", "Rate the answer")),
        transition("withdraw", {O.FILED}, O.WITHDRAWN, roles={AUTHOR, OFFICE}, reason=True,
                   label=pgettext_lazy("supervision", "Withdraw"), style="secondary"),
    ],
)

PARTICIPATIONS = Workflow(
    name="participation",
    states=P,
    transitions=[
        transition("accept", {P.INVITED}, P.CONFIRMED, roles={MEMBER},
                   label=pgettext_lazy("supervision", "Accept the invitation"), style="success"),
        transition("decline", {P.INVITED}, P.DECLINED, roles={MEMBER},
                   label=pgettext_lazy("supervision", "Decline"), style="secondary"),
        transition("approve", {P.REQUESTED}, P.CONFIRMED, roles={OFFICE},
                   label=pgettext_lazy("supervision", "Approve the request"), style="success"),
        transition("refuse", {P.REQUESTED}, P.REFUSED, roles={OFFICE}, reason=True,
                   label=pgettext_lazy("supervision", "Refuse the request"), style="secondary"),
    ],
)
