"""Every change to surveys: the frame, rounds and their questions, paper batches. Each writes its audit entry.

The public side (SMS codes and phone responses) is in ``phone.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.core.workflow import TransitionError, fire
from qingyuan.org.models import Park
from qingyuan.surveys.access import round_roles
from qingyuan.surveys.choices import LIKERT_LABELS, Channel, QuestionKind, RoundStatus
from qingyuan.surveys.models import PaperBatch, Question, Response, Round, Village
from qingyuan.surveys.workflow import ROUNDS

VILLAGE_FIELDS = ("name", "township", "households", "population", "distance_km", "sort_order", "is_active")
ROUND_FIELDS = ("title", "kind", "year", "opens_on", "closes_on", "intro")
SATISFACTION_TEXT = "您对化工园区污染整治工作的总体评价是？"


def _refuse(message: str, code: str) -> TransitionError:
    return TransitionError(message, code=code)


# ---- the sampling frame --------------------------------------------------------------------------

def do_save_village(park: Park, fields: dict[str, Any], *, village: Village | None = None,
                    acting_user: Any) -> Village:
    with transaction.atomic():
        if village is None:
            village = Village(park=park)
            audit.update(village, fields, editable=VILLAGE_FIELDS, action="survey_village.create",
                         acting_user=acting_user, always=True)
        else:
            audit.update(village, fields, editable=VILLAGE_FIELDS, action="survey_village.edit",
                         acting_user=acting_user)
    return village


def do_import_villages(park: Park, rows: list[dict[str, Any]], *, acting_user: Any) -> tuple[int, int]:
    """Create or update villages by name (the workbook's rows, already checked); returns (created, changed)."""
    created = changed = 0
    with transaction.atomic():
        existing = {v.name: v for v in Village.objects.filter(park=park)}
        for row in rows:
            village = existing.get(row["name"])
            if village is None:
                do_save_village(park, row, acting_user=acting_user)
                created += 1
            elif audit.update(village, row, editable=VILLAGE_FIELDS, action="survey_village.import",
                              acting_user=acting_user):
                changed += 1
    return created, changed


# ---- rounds and questions ------------------------------------------------------------------------

def do_create_round(park: Park, fields: dict[str, Any], *, copy_from: Round | None = None,
                    acting_user: Any) -> Round:
    """A draft round; its questions are copied from ``copy_from``, else it starts with the satisfaction question."""
    with transaction.atomic():
        round_ = Round(park=park, created_by=acting_user if acting_user.is_authenticated else None)
        audit.update(round_, fields, editable=ROUND_FIELDS, action="survey_round.create", acting_user=acting_user,
                     always=True)
        if copy_from is not None:
            for q in copy_from.questions.all():
                Question.objects.create(round=round_, position=q.position, kind=q.kind, text=q.text,
                                        options=q.options, required=q.required, is_satisfaction=q.is_satisfaction)
        else:
            Question.objects.create(round=round_, position=1, kind=QuestionKind.LIKERT, text=SATISFACTION_TEXT,
                                    options=list(LIKERT_LABELS), is_satisfaction=True)
    return round_


def do_edit_round(round_: Round, fields: dict[str, Any], *, acting_user: Any) -> bool:
    if round_.status == RoundStatus.CLOSED:
        raise _refuse(_("A closed round cannot be changed; reopen it first."), "closed")
    with transaction.atomic():
        return audit.update(round_, fields, editable=ROUND_FIELDS, action="survey_round.edit", acting_user=acting_user)


def _draft_only(round_: Round) -> None:
    if round_.status != RoundStatus.DRAFT:
        raise _refuse(_("Questions can only be changed while the round is a draft: answers may already be in."),
                      "not_draft")


def do_add_question(round_: Round, fields: dict[str, Any], *, acting_user: Any) -> Question:
    _draft_only(round_)
    with transaction.atomic():
        if fields.get("is_satisfaction"):
            round_.questions.filter(is_satisfaction=True).update(is_satisfaction=False)
        last = round_.questions.order_by("-position").values_list("position", flat=True).first() or 0
        question = Question(round=round_, position=last + 1)
        audit.update(question, fields, editable=("kind", "text", "options", "required", "is_satisfaction"),
                     action="survey_question.add", acting_user=acting_user, related=round_, always=True)
    return question


def do_delete_question(question: Question, *, acting_user: Any) -> None:
    _draft_only(question.round)
    with transaction.atomic():
        audit.record("survey_question.delete", question.round, acting_user=acting_user,
                     before=audit.snapshot(question))
        question.delete()


def do_fire_round(round_: Round, name: str, *, acting_user: Any, reason: str = "") -> None:
    extra = {"closed_at": timezone.now()} if name == "close" else {"closed_at": None}
    refusal = ROUNDS.refusal(round_, name)
    if refusal:
        raise _refuse(refusal, "guard")
    fire(ROUNDS, round_, name, roles=round_roles(acting_user, round_.park_id), acting_user=acting_user,
         reason=reason, extra_updates=extra)


# ---- paper questionnaires ------------------------------------------------------------------------

def do_create_batch(round_: Round, village: Village, *, number: str, note: str = "", acting_user: Any) -> PaperBatch:
    if round_.status == RoundStatus.DRAFT:
        raise _refuse(_("Paper questionnaires can be entered once the round is open."), "draft")
    if village.park_id != round_.park_id:
        raise _refuse(_("This village is not in the round's sampling frame."), "village")
    if PaperBatch.objects.filter(round=round_, number=number).exists():
        raise _refuse(_("Batch number %(number)s is already used in this round.") % {"number": number}, "number")
    with transaction.atomic():
        batch = PaperBatch.objects.create(round=round_, village=village, number=number, note=note,
                                          entered_by=acting_user, entered_by_name=audit.user_name(acting_user))
        audit.record("survey_batch.create", batch, acting_user=acting_user, related=round_,
                     after={"village": village.name, "number": number, "note": note})
    return batch


def do_enter_paper_responses(batch: PaperBatch, answers: list[tuple[dict[str, Any], int | None]], *,
                             acting_user: Any, at: dt.datetime | None = None) -> list[Response]:
    """Add questionnaires (answers, satisfaction point) to the batch, all or none."""
    if batch.round.status == RoundStatus.DRAFT:
        raise _refuse(_("Paper questionnaires can be entered once the round is open."), "draft")
    if not answers:
        raise ValidationError(_("No questionnaire to enter."))
    when = at or timezone.now()
    with transaction.atomic():
        made = Response.objects.bulk_create([
            Response(round=batch.round, village_id=batch.village_id, channel=Channel.PAPER, batch=batch,
                     answers=data, satisfaction=point, submitted_at=when) for data, point in answers])
        total = Response.objects.filter(batch=batch).count()
        audit.record("survey_batch.enter", batch, acting_user=acting_user, related=batch.round,
                     after={"entered": len(made), "total": total})
    return made
