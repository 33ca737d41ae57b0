"""Every change to an assessment: ``do_*`` actions, atomic, each writing its audit entry.

A final assessment refuses every change; only ``reopen`` (the leading group, with a reason, audited by the
workflow) moves it back to review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.assessment import scoring
from qingyuan.assessment.choices import (
    DESIGN_STATUSES,
    EDITABLE_STATUSES,
    EVIDENCE,
    AppealStatus,
    Method,
    SchemeStatus,
)
from qingyuan.assessment.models import (
    Adjustment,
    Appeal,
    AssessedUnit,
    Indicator,
    IndicatorGroup,
    Result,
    Scheme,
    Score,
    Snapshot,
    Veto,
)
from qingyuan.assessment.workflow import SCHEMES, window_closes
from qingyuan.core import attachments, audit, bulk, workflow

COMPUTABLE = frozenset({SchemeStatus.DRAFTED, SchemeStatus.PUBLISHED, SchemeStatus.SELF_ASSESSMENT,
                        SchemeStatus.SCORING, SchemeStatus.REVIEW})


class AssessmentError(Exception):
    """A change was refused; ``message`` says why, in the user's language."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _editable(scheme: Scheme, allowed: Collection[str] = EDITABLE_STATUSES) -> None:
    scheme.refresh_from_db(fields=["status"])
    if scheme.status == SchemeStatus.FINAL:
        raise AssessmentError(_("The assessment is final and cannot be changed; the leading group may reopen it."),
                              code="final")
    if scheme.status not in allowed:
        raise AssessmentError(_("This cannot be changed while the status is “%(state)s”.")
                              % {"state": scheme.get_status_display()}, code="state")


@transaction.atomic
def do_create_scheme(park: Any, year: int, title: str, *, acting_user: Any, **fields: Any) -> Scheme:
    scheme = Scheme(park=park, year=year, title=title, **fields)
    scheme.full_clean()
    scheme.save()
    audit.record("assessment.create_scheme", scheme, acting_user=acting_user, after=audit.snapshot(scheme))
    return scheme


@transaction.atomic
def do_update_scheme(scheme: Scheme, fields: dict[str, Any], *, acting_user: Any) -> bool:
    _editable(scheme, DESIGN_STATUSES | {SchemeStatus.PUBLISHED, SchemeStatus.SELF_ASSESSMENT,
                                         SchemeStatus.SCORING})
    return audit.update(scheme, fields, editable={"title", "excellent_from", "good_from", "pass_from",
                                                  "objection_days"},
                        action="assessment.update_scheme", acting_user=acting_user)


@transaction.atomic
def do_set_assessed_units(scheme: Scheme, units: Iterable[tuple[Any, str]], *, acting_user: Any) -> None:
    _editable(scheme, DESIGN_STATUSES)
    before = sorted(scheme.assessed.values_list("unit_id", flat=True))
    scheme.assessed.all().delete()
    bulk.create_under(scheme, [AssessedUnit(scheme=scheme, unit=u, category=c) for u, c in units],
                      action="assessment.set_units", acting_user=acting_user, before={"units": before},
                      after=lambda made: {"units": sorted(a.unit_id for a in made)})


@transaction.atomic
def do_add_group(scheme: Scheme, name: str, *, acting_user: Any, order: int = 0) -> IndicatorGroup:
    _editable(scheme, DESIGN_STATUSES)
    group = IndicatorGroup.objects.create(scheme=scheme, name=name, order=order)
    audit.record("assessment.add_group", group, acting_user=acting_user, related=scheme,
                 after=audit.snapshot(group))
    return group


@transaction.atomic
def do_add_indicator(group: IndicatorGroup, *, name: str, weight: Decimal, method: str, acting_user: Any,
                     key: str = "", parameters: dict[str, Any] | None = None, order: int = 0) -> Indicator:
    _editable(group.scheme, DESIGN_STATUSES)
    indicator = Indicator(scheme=group.scheme, group=group, name=name, weight=Decimal(weight), method=method,
                          key=key, parameters=parameters or {}, order=order)
    indicator.full_clean()
    indicator.save()
    audit.record("assessment.add_indicator", indicator, acting_user=acting_user, related=group.scheme,
                 after=audit.snapshot(indicator))
    return indicator


@transaction.atomic
def do_update_indicator(indicator: Indicator, fields: dict[str, Any], *, acting_user: Any) -> bool:
    _editable(indicator.scheme, DESIGN_STATUSES)
    return audit.update(indicator, fields, editable={"name", "weight", "method", "key", "parameters", "order"},
                        action="assessment.update_indicator", acting_user=acting_user, related=indicator.scheme)


@transaction.atomic
def do_remove_indicator(indicator: Indicator, *, acting_user: Any) -> None:
    _editable(indicator.scheme, DESIGN_STATUSES)
    audit.record("assessment.remove_indicator", indicator, acting_user=acting_user, related=indicator.scheme,
                 before=audit.snapshot(indicator))
    indicator.delete()


def do_fire(scheme: Scheme, name: str, *, roles: Collection[str], acting_user: Any, reason: str = "") -> Any:
    """Fire a workflow transition; publishing results starts the objection clock, finalising freezes a snapshot."""
    refusal = SCHEMES.refusal(scheme, name)
    if refusal:
        raise AssessmentError(refusal, code="guard")
    extra: dict[str, Any] = {}
    if name == "publish_results":
        extra["results_published_at"] = timezone.now()
    if name == "finalise":
        extra["finalised_at"] = timezone.now()
    if name == "reopen":
        extra["finalised_at"] = None
    with transaction.atomic():
        record = workflow.fire(SCHEMES, scheme, name, roles=roles, acting_user=acting_user, reason=reason,
                               extra_updates=extra)
        if name == "finalise":
            _take_snapshot(scheme, acting_user=acting_user)
    return record


def _take_snapshot(scheme: Scheme, *, acting_user: Any) -> Snapshot:
    results = [{"unit_id": r.unit_id, "unit": str(r.unit), "total": str(r.total), "grade": r.grade,
                "vetoed": r.vetoed, "veto_reason": r.veto_reason, "rank": r.rank}
               for r in scheme.results.filter(quarter=0).select_related("unit")]
    scores = [{"unit_id": s.unit_id, "indicator_id": s.indicator_id, "indicator": s.indicator.name,
               "value": None if s.value is None else str(s.value), "points": str(s.points), "evidence": s.evidence}
              for s in scheme.scores.filter(quarter=0).select_related("indicator")]
    vetoes = [{"unit_id": v.unit_id, "condition": v.condition, "reason": v.reason, "records": v.records,
               "files": list(attachments.for_owner(v).values_list("id", flat=True))} for v in scheme.vetoes.all()]
    snap = Snapshot.objects.create(scheme=scheme, taken_at=timezone.now(), taken_by_name=audit.user_name(acting_user),
                                   data={"results": results, "scores": scores, "vetoes": vetoes})
    audit.record("assessment.snapshot", snap, acting_user=acting_user, related=scheme,
                 after={"results": len(results), "scores": len(scores)})
    return snap


def _attach(owner: Any, uploads: Iterable[Any], *, acting_user: Any) -> list[int]:
    stored = []
    for upload in uploads:
        kind = attachments.validate_upload(upload)
        stored.append(attachments.store(owner, upload, uploaded_by=acting_user, kind=kind, purpose=EVIDENCE).pk)
    return stored


def _score(scheme: Scheme, unit: Any, indicator: Indicator, quarter: int = 0) -> Score:
    score, _created = Score.objects.get_or_create(scheme=scheme, unit=unit, indicator=indicator, quarter=quarter)
    return score


@transaction.atomic
def do_self_assess(scheme: Scheme, unit: Any, indicator: Indicator, *, value: Decimal, note: str,
                   uploads: Iterable[Any] = (), acting_user: Any) -> Score:
    _editable(scheme, {SchemeStatus.SELF_ASSESSMENT})
    if indicator.method != Method.MANUAL:
        raise AssessmentError(_("Only manual indicators are self-assessed; the others are computed."))
    if not Decimal(0) <= Decimal(value) <= Decimal(100):
        raise AssessmentError(_("A value is between 0 and 100."))
    score = _score(scheme, unit, indicator)
    before = {"self_value": str(score.self_value) if score.self_value is not None else None}
    score.self_value, score.self_note = Decimal(value), note
    score.save()
    files = _attach(score, uploads, acting_user=acting_user)
    audit.record("assessment.self_assess", score, acting_user=acting_user, related=scheme, before=before,
                 after={"self_value": str(score.self_value), "files": files}, message=note)
    return score


@transaction.atomic
def do_score_manual(scheme: Scheme, unit: Any, indicator: Indicator, *, value: Decimal, note: str = "",
                    acting_user: Any) -> Score:
    _editable(scheme, {SchemeStatus.SELF_ASSESSMENT, SchemeStatus.SCORING})
    if indicator.method != Method.MANUAL:
        raise AssessmentError(_("Only manual indicators are scored by hand; the others are computed."))
    if not Decimal(0) <= Decimal(value) <= Decimal(100):
        raise AssessmentError(_("A value is between 0 and 100."))
    score = _score(scheme, unit, indicator)
    before = {"value": None if score.value is None else str(score.value), "points": str(score.points)}
    score.value = Decimal(value)
    score.points = scoring.q(indicator.weight * score.value / scoring.HUNDRED)
    score.note = note
    score.save()
    audit.record("assessment.score", score, acting_user=acting_user, related=scheme, before=before,
                 after={"value": str(score.value), "points": str(score.points)}, message=note)
    return score


@transaction.atomic
def do_record_adjustment(scheme: Scheme, unit: Any, indicator: Indicator, *, points: Decimal, reason: str,
                         occurred_on: dt.date, acting_user: Any) -> Adjustment:
    _editable(scheme, COMPUTABLE)
    if indicator.method not in (Method.DEDUCTION, Method.BONUS):
        raise AssessmentError(_("“%(name)s” is not a deduction or bonus indicator.") % {"name": indicator.name})
    if not reason.strip():
        raise AssessmentError(_("A deduction or a bonus needs its reason."), code="reason")
    adj = Adjustment(scheme=scheme, unit=unit, indicator=indicator, points=Decimal(points), reason=reason.strip(),
                     occurred_on=occurred_on, created_by_name=audit.user_name(acting_user))
    adj.full_clean()
    adj.save()
    audit.record("assessment.adjust", adj, acting_user=acting_user, related=scheme, after=audit.snapshot(adj),
                 message=adj.reason)
    return adj


def _record_exists(ref: Any) -> bool:
    try:
        model = apps.get_model(ref["model"])
        return model._default_manager.filter(pk=ref["id"]).exists()
    except (KeyError, LookupError, TypeError, ValueError):
        return False


@transaction.atomic
def do_record_veto(scheme: Scheme, unit: Any, *, condition: str, reason: str, occurred_on: dt.date,
                   records: list[dict[str, Any]] | None = None, uploads: Iterable[Any] = (),
                   acting_user: Any) -> Veto:
    """一票否决. Refused without evidence: at least one file or one record that proves it."""
    _editable(scheme, COMPUTABLE)
    uploads = list(uploads)
    if not uploads and not records:
        raise AssessmentError(_("A veto needs its evidence: attach a file or name the records that prove it."),
                              code="evidence")
    if not reason.strip():
        raise AssessmentError(_("A veto needs its reason."), code="reason")
    for ref in records or []:
        if not _record_exists(ref):
            raise AssessmentError(_("The record %(ref)s named as evidence does not exist.") % {"ref": ref},
                                  code="evidence")
    veto = Veto(scheme=scheme, unit=unit, condition=condition, reason=reason.strip(), occurred_on=occurred_on,
                records=records or [], created_by_name=audit.user_name(acting_user))
    veto.full_clean()
    veto.save()
    files = _attach(veto, uploads, acting_user=acting_user)
    audit.record("assessment.veto", veto, acting_user=acting_user, related=scheme,
                 after={**audit.snapshot(veto), "files": files}, message=veto.reason)
    return veto


def do_compute_scores(scheme: Scheme, *, quarter: int = 0, acting_user: Any, as_of: dt.date | None = None,
                      progress: scoring.Progress | None = None) -> list[scoring.UnitResult]:
    """Compute and store every unit's scores and result for the year (0) or an interim quarter."""
    _editable(scheme, COMPUTABLE)
    results = scoring.evaluate(scheme, quarter, as_of=as_of, progress=progress)
    with transaction.atomic():
        created, updated = _store_scores(scheme, quarter, results)
        Result.objects.filter(scheme=scheme, quarter=quarter).delete()
        now = timezone.now()
        # One entry for the computation (the scheme's action), not one per score: the scores are
        # its output, listed on the result page; the entry says how many were written.
        bulk.create_under(
            scheme, [Result(scheme=scheme, unit=r.unit, quarter=quarter, total=r.total, grade=r.grade,
                            vetoed=r.vetoed, veto_reason=r.veto_reason, rank=r.rank, computed_at=now)
                     for r in results],
            action="assessment.compute", acting_user=acting_user,
            after={"quarter": quarter, "units": len(results), "as_of": str(as_of or timezone.localdate()),
                   "scores": {"created": created, "updated": updated}})
    return results


def _store_scores(scheme: Scheme, quarter: int, results: list[scoring.UnitResult]) -> tuple[int, int]:
    """Write the units' score lines (new ones inserted, existing ones updated); returns how many of each."""
    existing = {(s.unit_id, s.indicator_id): s for s in Score.objects.filter(scheme=scheme, quarter=quarter)}
    new, changed = [], []
    for r in results:
        for line in r.lines:
            s = existing.get((r.unit.pk, line.indicator.pk))
            if s is None:
                new.append(Score(scheme=scheme, unit=r.unit, indicator=line.indicator, quarter=quarter,
                                 value=line.value, points=line.points, evidence=line.evidence))
            else:
                s.value, s.points, s.evidence = line.value, line.points, line.evidence
                changed.append(s)
    Score.objects.bulk_create(new, batch_size=500)
    Score.objects.bulk_update(changed, ["value", "points", "evidence"], batch_size=500)
    return len(new), len(changed)


def _rerank(scheme: Scheme, quarter: int = 0) -> None:
    """Totals and ranks again from the stored scores (after an appeal changed one)."""
    vetoed = {r.unit_id: r for r in scheme.results.filter(quarter=quarter)}
    totals: dict[int, Decimal] = {u: Decimal(0) for u in vetoed}
    for unit_id, points in scheme.scores.filter(quarter=quarter).values_list("unit_id", "points"):
        totals[unit_id] = totals.get(unit_id, Decimal(0)) + points
    rows = list(vetoed.values())
    for r in rows:
        r.total = scoring.q(max(Decimal(0), totals.get(r.unit_id, Decimal(0))))
        r.grade = scoring.grade_for(scheme, r.total, r.vetoed)
    rows.sort(key=lambda r: (r.vetoed, -r.total, r.unit_id))
    for rank, r in enumerate(rows, start=1):
        r.rank = rank
    Result.objects.bulk_update(rows, ["total", "grade", "rank"])


@transaction.atomic
def do_file_appeal(scheme: Scheme, unit: Any, *, text: str, score: Score | None = None, acting_user: Any) -> Appeal:
    _editable(scheme, {SchemeStatus.RESULTS_PUBLISHED, SchemeStatus.OBJECTION})
    closes = window_closes(scheme)
    if closes is None or timezone.now() > closes:
        raise AssessmentError(_("The objection window closed on %(time)s; appeals are no longer accepted.")
                              % {"time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M") if closes else "—"},
                              code="window")
    if not text.strip():
        raise AssessmentError(_("Say what the appeal is about."), code="text")
    if score is not None and (score.scheme_id != scheme.pk or score.unit_id != unit.pk):
        raise AssessmentError(_("An appeal concerns one of the unit's own scores."))
    appeal = Appeal.objects.create(scheme=scheme, unit=unit, score=score, text=text.strip(),
                                   created_by=acting_user, created_by_name=audit.user_name(acting_user))
    audit.record("assessment.appeal", appeal, acting_user=acting_user, related=scheme,
                 after=audit.snapshot(appeal, ["unit", "score", "text"]), message=appeal.text)
    return appeal


@transaction.atomic
def do_answer_appeal(appeal: Appeal, *, upheld: bool, answer: str, acting_user: Any,
                     new_points: Decimal | None = None) -> Appeal:
    scheme = appeal.scheme
    _editable(scheme, {SchemeStatus.RESULTS_PUBLISHED, SchemeStatus.OBJECTION})
    if appeal.status != AppealStatus.OPEN:
        raise AssessmentError(_("This appeal has already been answered."), code="answered")
    if not answer.strip():
        raise AssessmentError(_("An answer needs its text."), code="text")
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
    appeal.answer, appeal.answered_at = answer.strip(), timezone.now()
    appeal.answered_by_name = audit.user_name(acting_user)
    if upheld and new_points is not None and appeal.score is not None:
        score = appeal.score
        if not Decimal(0) <= Decimal(new_points) <= max(score.indicator.weight, Decimal(0)):
            raise AssessmentError(_("New points are between 0 and the indicator's weight (%(weight)s).")
                                  % {"weight": score.indicator.weight})
        before = {"points": str(score.points)}
        score.points = scoring.q(Decimal(new_points))
        score.note = (score.note + "\n" if score.note else "") + _("Changed on appeal: %(answer)s") % {
            "answer": appeal.answer}
        score.save()
        appeal.new_points = score.points
        audit.record("assessment.score_on_appeal", score, acting_user=acting_user, related=appeal,
                     before=before, after={"points": str(score.points)}, message=appeal.answer)
        _rerank(scheme)
    appeal.save()
    audit.record("assessment.answer_appeal", appeal, acting_user=acting_user, related=scheme,
                 after={"status": appeal.status, "new_points": None if appeal.new_points is None
                        else str(appeal.new_points)}, message=appeal.answer)
    return appeal

