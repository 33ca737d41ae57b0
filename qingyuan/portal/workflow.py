"""The notice workflow: drafted by the office, approved by a leader, published by the office.

    draft ─approve (leader)─▶ approved ─publish (office)─▶ published ─withdraw (office, leader; reason)─▶ withdrawn
    approved ─return (leader; reason)─▶ draft

A withdrawn notice stays on the portal, marked as withdrawn with its reason.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.core.workflow import Workflow, transition
from qingyuan.portal.choices import NoticeStatus as S

OFFICE = "office"
LEADER = "leader"

NOTICES = Workflow(
    name="notice",
    states=S,
    transitions=[
        transition("approve", {S.DRAFT}, S.APPROVED, roles={LEADER}, label=pgettext_lazy("notice", "Approve"),
                   style="success"),
        transition("return", {S.APPROVED}, S.DRAFT, roles={LEADER}, reason=True, label=_("Return to the office"),
                   style="secondary"),
        transition("publish", {S.APPROVED}, S.PUBLISHED, roles={OFFICE}, label=pgettext_lazy("notice", "Publish"),
                   style="success"),
        transition("withdraw", {S.PUBLISHED}, S.WITHDRAWN, roles={OFFICE, LEADER}, reason=True,
                   label=pgettext_lazy("notice", "Withdraw"), style="danger"),
    ],
)
