"""The survey round workflow, fired by the office (or a leader):

    draft ─open─▶ open ─close─▶ closed ─reopen (reason)─▶ open
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qingyuan.core.workflow import Workflow, transition
from qingyuan.surveys.choices import RoundStatus as S

MANAGER = "manager"


def _open_refusal(round_: Any) -> str | None:
    if not round_.questions.filter(is_satisfaction=True).exists():
        return gettext("Mark one Likert question as the satisfaction question before opening the round.")
    return None


ROUNDS = Workflow(
    name="survey_round",
    states=S,
    transitions=[
        transition("open", {S.DRAFT}, S.OPEN, roles={MANAGER}, label=_("Open for answers"), style="success"),
        transition("close", {S.OPEN}, S.CLOSED, roles={MANAGER}, label=_("Close the round")),
        transition("reopen", {S.CLOSED}, S.OPEN, roles={MANAGER}, reason=True, label=_("Reopen"),
                   style="secondary"),
    ],
    guards={"open": _open_refusal, "reopen": _open_refusal},
)
