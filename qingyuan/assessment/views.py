"""Assessment pages: schemes, the scheme editor and its workflow, a unit's scores (self-assessment, office
scoring, appeals), the evidence behind a computed score, results, and the Excel and Word outputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingyuan.assessment import actions, outputs, scoring
from qingyuan.assessment.access import (
    access_scheme,
    access_unit_in,
    own_units,
    scheme_roles,
    visible_unit_ids,
)
from qingyuan.assessment.actions import AssessmentError
from qingyuan.assessment.choices import DESIGN_STATUSES, Method, SchemeStatus, UnitCategory
from qingyuan.assessment.forms import (
    AdjustmentForm,
    AnswerForm,
    AppealForm,
    IndicatorForm,
    ReasonForm,
    SchemeForm,
    ValueForm,
    VetoForm,
)
from qingyuan.assessment.jobs import KIND
from qingyuan.assessment.models import Appeal, Scheme, Score
from qingyuan.assessment.services import ranking
from qingyuan.assessment.workflow import LEADER, OFFICE, SCHEMES, UNIT, window_closes
from qingyuan.core import attachments, excel, jobs, workflow
from qingyuan.core.dbrouter import reads_from_replica
from qingyuan.core.htmx import render_page
from qingyuan.core.models import Attachment
from qingyuan.core.workflow import TransitionError
from qingyuan.org.actor import actor_for
from qingyuan.org.choices import Role, UnitKind
from qingyuan.org.models import Park, Unit

REFUSALS = (AssessmentError, TransitionError, ValidationError)


def _refused(request: HttpRequest, error: Exception) -> None:
    text = getattr(error, "message", None) or " ".join(getattr(error, "messages", [])) or str(error)
    messages.error(request, text)


def _form_refused(request: HttpRequest, form: Any) -> None:
    messages.error(request, " ".join(" ".join(v) for v in form.errors.values()))


def _quarter(request: HttpRequest, source: Any = None) -> int:
    try:
        value = int((source if source is not None else request.GET).get("quarter", 0) or 0)
    except ValueError:
        return 0
    return value if 0 <= value <= 4 else 0


def _require(roles: frozenset[str], role: str) -> None:
    if role not in roles:
        raise PermissionDenied


def index(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    parks = Park.objects.all() if actor.is_superuser else Park.objects.filter(
        pk__in=list(actor.park_ids_with(frozenset({Role.OFFICE_STAFF, Role.ADMIN}))))
    form = SchemeForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        park = parks.filter(pk=request.POST.get("park")).first()
        if park is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                scheme = actions.do_create_scheme(park, acting_user=request.user, **form.cleaned_data)
                units = Unit.objects.filter(park=park, is_active=True, kind__in=[UnitKind.TOWNSHIP,
                                                                                 UnitKind.DEPARTMENT])
                actions.do_set_assessed_units(scheme, [(u, UnitCategory.TOWNSHIP if u.kind == UnitKind.TOWNSHIP
                                                        else UnitCategory.DEPARTMENT) for u in units],
                                              acting_user=request.user)
                return redirect(scheme)
            except REFUSALS as error:
                _refused(request, error)
    schemes = Scheme.objects.visible_to(request.user).select_related("park")
    return render_page(request, "assessment/index.html", {"schemes": schemes, "form": form, "parks": parks})


def scheme(request: HttpRequest, pk: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    roles = scheme_roles(request.user, s)
    quarter = _quarter(request)
    visible = visible_unit_ids(request.user, s)
    units = [a.unit for a in s.assessed.select_related("unit")]
    indicators = list(s.indicators.select_related("group"))
    office = OFFICE in roles
    context = {
        "scheme": s, "roles": roles, "quarter": quarter, "quarters": [(q, outputs.quarter_label(q)) for q in range(5)],
        "transitions": SCHEMES.possible(s, roles), "history": [(h, SCHEMES.get(h.transition).label if SCHEMES.get(h.transition) else h.transition)
                    for h in workflow.history(s)],
        "groups": [(g, [i for i in indicators if i.group_id == g.pk]) for g in s.groups.all()],
        "weight_total": sum((i.weight for i in indicators if i.method in (Method.COMPUTED, Method.MANUAL)),
                            Decimal(0)),
        "problems": scoring.design_problems(s) if s.status in DESIGN_STATUSES else [],
        "units": [a for a in s.assessed.select_related("unit") if visible is None or a.unit_id in visible],
        "rows": ranking(s, quarter, unit_ids=visible),
        "vetoes": [v for v in s.vetoes.select_related("unit") if visible is None or v.unit_id in visible],
        "adjustments": [a for a in s.adjustments.select_related("unit", "indicator")
                        if visible is None or a.unit_id in visible],
        "appeals": [a for a in s.appeals.select_related("unit", "score__indicator")
                    if visible is None or a.unit_id in visible],
        "designing": office and s.status in DESIGN_STATUSES,
        "office": office, "leader": LEADER in roles, "editable": s.status != SchemeStatus.FINAL,
        "indicator_form": IndicatorForm(), "veto_form": VetoForm(units=units),
        "adjustment_form": AdjustmentForm(units=units, indicators=[
            i for i in indicators if i.method in (Method.DEDUCTION, Method.BONUS)]),
        "reason_form": ReasonForm(), "answer_form": AnswerForm(), "window_closes": window_closes(s),
        "snapshot": s.snapshots.first(),
    }
    return render_page(request, "assessment/scheme.html", context, partial="assessment/partials/results.html")


@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    s = access_scheme(request.user, pk)
    try:
        actions.do_fire(s, name, roles=scheme_roles(request.user, s), acting_user=request.user,
                        reason=request.POST.get("reason", ""))
    except REFUSALS as error:
        _refused(request, error)
    return redirect(s)


@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    _require(scheme_roles(request.user, s), OFFICE)
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect(s)
    data = form.cleaned_data
    try:
        group = s.groups.filter(name=data["group"]).first() or actions.do_add_group(
            s, data["group"], acting_user=request.user, order=s.groups.count() + 1)
        actions.do_add_indicator(group, name=data["name"], weight=data["weight"], method=data["method"],
                                 key=data["key"] if data["method"] == Method.COMPUTED else "",
                                 acting_user=request.user, order=group.indicators.count() + 1)
    except REFUSALS as error:
        _refused(request, error)
    return redirect(s)


@require_POST
def indicator_remove(request: HttpRequest, pk: int, indicator_id: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    _require(scheme_roles(request.user, s), OFFICE)
    indicator = s.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    try:
        actions.do_remove_indicator(indicator, acting_user=request.user)
    except REFUSALS as error:
        _refused(request, error)
    return redirect(s)


@require_POST
def veto_add(request: HttpRequest, pk: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    _require(scheme_roles(request.user, s), OFFICE)
    form = VetoForm(request.POST, request.FILES, units=[a.unit for a in s.assessed.select_related("unit")])
    if not form.is_valid():
        _form_refused(request, form)
        return redirect(s)
    d = form.cleaned_data
    try:
        actions.do_record_veto(s, Unit.objects.get(pk=d["unit"]), condition=d["condition"], reason=d["reason"],
                               occurred_on=d["occurred_on"], uploads=[d["evidence"]] if d["evidence"] else [],
                               acting_user=request.user)
    except REFUSALS as error:
        _refused(request, error)
    return redirect(s)


@require_POST
def adjustment_add(request: HttpRequest, pk: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    _require(scheme_roles(request.user, s), OFFICE)
    indicators = list(s.indicators.filter(method__in=[Method.DEDUCTION, Method.BONUS]))
    form = AdjustmentForm(request.POST, units=[a.unit for a in s.assessed.select_related("unit")],
                          indicators=indicators)
    if not form.is_valid():
        _form_refused(request, form)
        return redirect(s)
    d = form.cleaned_data
    try:
        actions.do_record_adjustment(s, Unit.objects.get(pk=d["unit"]), s.indicators.get(pk=d["indicator"]),
                                     points=d["points"], reason=d["reason"], occurred_on=d["occurred_on"],
                                     acting_user=request.user)
    except REFUSALS as error:
        _refused(request, error)
    return redirect(s)


@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the computation for the worker; the page polls the job and then offers the Excel."""
    s = access_scheme(request.user, pk)
    _require(scheme_roles(request.user, s), OFFICE)
    quarter = _quarter(request, request.POST)
    if s.status not in actions.COMPUTABLE:
        messages.error(request, _("Scores can no longer be computed while the status is “%(state)s”.")
                       % {"state": s.get_status_display()})
        return redirect(s)
    job = jobs.submit(KIND, params={"scheme": s.pk, "quarter": quarter}, user=request.user,
                      title=f"{s.title} · {outputs.quarter_label(quarter)}")
    return redirect("core:job", job.pk)


def unit(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    u = access_unit_in(request.user, s, unit_id)
    roles = scheme_roles(request.user, s)
    quarter = _quarter(request)
    own = u.pk in own_units(request.user, s)
    scores = list(Score.objects.filter(scheme=s, unit=u, quarter=quarter).select_related("indicator__group"))
    by_indicator = {sc.indicator_id: sc for sc in scores}
    indicators = list(s.indicators.select_related("group"))
    closes = window_closes(s)
    can_appeal = own and s.status in (SchemeStatus.RESULTS_PUBLISHED, SchemeStatus.OBJECTION) \
        and closes is not None and timezone.now() <= closes
    result = s.results.filter(unit=u, quarter=quarter).first()
    context = {
        "scheme": s, "unit": u, "quarter": quarter, "result": result,
        "lines": [(i, by_indicator.get(i.pk)) for i in indicators],
        "self_assessing": own and s.status == SchemeStatus.SELF_ASSESSMENT,
        "scoring": OFFICE in roles and s.status in (SchemeStatus.SELF_ASSESSMENT, SchemeStatus.SCORING),
        "value_form": ValueForm(), "can_appeal": can_appeal, "window_closes": closes,
        "appeal_form": AppealForm(scores=scores) if can_appeal else None,
        "appeals": s.appeals.filter(unit=u).select_related("score__indicator"),
        "files": {sc.pk: list(attachments.for_owner(sc)) for sc in scores if sc.indicator.method == Method.MANUAL},
        "vetoes": s.vetoes.filter(unit=u),
    }
    return render_page(request, "assessment/unit.html", context)


def _value_post(request: HttpRequest, pk: int, unit_id: int, *, office: bool) -> HttpResponse:
    s = access_scheme(request.user, pk)
    u = access_unit_in(request.user, s, unit_id)
    roles = scheme_roles(request.user, s)
    _require(roles, OFFICE if office else UNIT)
    form = ValueForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        indicator = s.indicators.filter(pk=d["indicator"]).first()
        if indicator is None:
            raise Http404
        try:
            if office:
                actions.do_score_manual(s, u, indicator, value=d["value"], note=d["note"], acting_user=request.user)
            else:
                actions.do_self_assess(s, u, indicator, value=d["value"], note=d["note"],
                                       uploads=[d["evidence"]] if d["evidence"] else [], acting_user=request.user)
        except REFUSALS as error:
            _refused(request, error)
    else:
        _form_refused(request, form)
    return redirect("assessment:unit", s.pk, u.pk)


@require_POST
def self_assess(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    return _value_post(request, pk, unit_id, office=False)


@require_POST
def score_manual(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    return _value_post(request, pk, unit_id, office=True)


@require_POST
def appeal(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    u = access_unit_in(request.user, s, unit_id)
    _require(scheme_roles(request.user, s), UNIT)
    scores = list(Score.objects.filter(scheme=s, unit=u, quarter=0).select_related("indicator"))
    form = AppealForm(request.POST, scores=scores)
    if form.is_valid():
        score = next((sc for sc in scores if sc.pk == form.cleaned_data["score"]), None)
        try:
            actions.do_file_appeal(s, u, text=form.cleaned_data["text"], score=score, acting_user=request.user)
        except REFUSALS as error:
            _refused(request, error)
    else:
        _form_refused(request, form)
    return redirect("assessment:unit", s.pk, u.pk)


@require_POST
def answer(request: HttpRequest, pk: int, appeal_id: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    _require(scheme_roles(request.user, s), OFFICE)
    found = Appeal.objects.filter(scheme=s, pk=appeal_id).select_related("score__indicator", "scheme").first()
    if found is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_answer_appeal(found, upheld=d["upheld"], answer=d["answer"], new_points=d["new_points"],
                                     acting_user=request.user)
        except REFUSALS as error:
            _refused(request, error)
    return redirect(s)


def evidence(request: HttpRequest, pk: int, score_id: int) -> HttpResponse:
    """The exact records a computed score counted, each marked whether it met the standard, linked to its page."""
    s = access_scheme(request.user, pk)
    score = Score.objects.filter(scheme=s, pk=score_id).select_related("indicator", "unit").first()
    if score is None:
        raise Http404
    access_unit_in(request.user, s, score.unit_id)
    label = score.evidence.get("model", "")
    counted = [i for i in score.evidence.get("counted", []) if i]
    met = set(score.evidence.get("met", []))
    detail = score.evidence.get("detail", {})  # e.g. a point's days and hours for 有效传输率
    records: list[tuple[Any, bool, Any]] = []
    if label:
        model = apps.get_model(label)
        found = model._default_manager.in_bulk(counted)
        records = [(found.get(i), i in met, detail.get(str(i))) for i in counted]
    return render_page(request, "assessment/evidence.html", {
        "scheme": s, "score": score, "records": records, "missing": sum(1 for r, _m, _d in records if r is None),
        "model_name": model._meta.verbose_name_plural if label else ""})


@reads_from_replica
def export_scores(request: HttpRequest, pk: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    quarter = _quarter(request)
    content = outputs.scores_workbook(s, quarter, unit_ids=visible_unit_ids(request.user, s))
    return excel.xlsx_response(content, f"assessment-{s.year}-{quarter}.xlsx")


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    s = access_scheme(request.user, pk)
    roles = scheme_roles(request.user, s)
    if not roles & {OFFICE, LEADER}:
        raise PermissionDenied
    response = HttpResponse(outputs.notice_docx(s), content_type=outputs.DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename=assessment-notice-{s.year}.docx"
    return response


def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A veto's or a self-assessment's evidence file, after checking the reader sees its unit."""
    s = access_scheme(request.user, pk)
    found = Attachment.objects.filter(pk=attachment_id).select_related("owner_type").first()
    if found is None:
        raise Http404
    owner_model = found.owner_type.model_class()
    owner = owner_model._default_manager.filter(pk=found.owner_id, scheme=s).first() if owner_model in (
        apps.get_model("assessment.Veto"), Score) else None
    if owner is None:
        raise Http404
    access_unit_in(request.user, s, owner.unit_id)
    return attachments.serve(found)

