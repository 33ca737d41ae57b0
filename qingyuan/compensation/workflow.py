"""The compensation case workflow.

    appraisal ─negotiate (manager)─▶ negotiation ─agree (manager)─▶ agreed ─start_paying (finance)─▶ paying
    paying ─settle (finance, balance zero)─▶ paid
    appraisal / negotiation / agreed / paying ─dispute (manager, reason)─▶ disputed
    disputed ─resume_* (manager, the dispute resolved)─▶ the status it was raised in

``agree`` is fired by do_record_agreement (the amount and its instalments), ``start_paying`` and
``settle`` by do_record_payment, ``dispute`` / ``resume_*`` by do_raise_dispute / do_resolve_dispute.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingyuan.compensation.choices import DisputeStatus
from qingyuan.compensation.choices import Status as S
from qingyuan.core.workflow import Workflow, transition

MANAGER = "manager"
FINANCE = "finance"


def _negotiate_refusal(case: Any) -> str | None:
    if not case.appraisals.exists():
        return gettext("Record an appraisal report before negotiating.")
    return None


def _resumes(state: str) -> Any:
    def refusal(case: Any) -> str | None:
        dispute = case.disputes.filter(status=DisputeStatus.OPEN).order_by("-id").first()
        if dispute is not None and dispute.resumes != state:
            return gettext("The dispute was raised in another status.")
        return None
    return refusal


CASES = Workflow(
    name="compensation",
    states=S,
    transitions=[
        transition("negotiate", {S.APPRAISAL}, S.NEGOTIATION, roles={MANAGER}, label=_("Start negotiation")),
        transition("agree", {S.NEGOTIATION}, S.AGREED, roles={MANAGER}, label=_("Record the agreement")),
        transition("start_paying", {S.AGREED}, S.PAYING, roles={FINANCE}, label=_("First payment")),
        transition("settle", {S.PAYING}, S.PAID, roles={FINANCE}, label=_("Paid in full")),
        transition("dispute", {S.APPRAISAL, S.NEGOTIATION, S.AGREED, S.PAYING}, S.DISPUTED, roles={MANAGER},
                   reason=True, label=_("Record a dispute"), style="warning"),
        transition("resume_appraisal", {S.DISPUTED}, S.APPRAISAL, roles={MANAGER}, label=_("Resolve the dispute")),
        transition("resume_negotiation", {S.DISPUTED}, S.NEGOTIATION, roles={MANAGER},
                   label=_("Resolve the dispute")),
        transition("resume_agreed", {S.DISPUTED}, S.AGREED, roles={MANAGER}, label=_("Resolve the dispute")),
        transition("resume_paying", {S.DISPUTED}, S.PAYING, roles={MANAGER}, label=_("Resolve the dispute")),
    ],
    guards={
        "negotiate": _negotiate_refusal,
        **{f"resume_{s}": _resumes(s) for s in (S.APPRAISAL, S.NEGOTIATION, S.AGREED, S.PAYING)},
    },
)
