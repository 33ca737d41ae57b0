"""Excel in and out: the sampling frame (officials keep it in Excel), the results, and the paper template."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from qingyuan.core import excel
from qingyuan.org.choices import UnitKind
from qingyuan.org.models import Unit
from qingyuan.surveys import stats
from qingyuan.surveys.choices import QuestionKind
from qingyuan.surveys.models import Question, Round

MAX_ROWS = 2000


def _village_headers() -> list[str]:
    return [_("Name"), _("Township"), _("Households"), _("Population"), _("Distance to the park (km)"),
            _("Order"), _("In the frame (yes/no)")]


def villages_workbook(villages: Any) -> bytes:
    rows = [[v.name, v.township.name if v.township else "", v.households, v.population, float(v.distance_km),
             v.sort_order, _("yes") if v.is_active else _("no")] for v in villages]
    return excel.workbook_bytes(_("Sampling frame"), _village_headers(), rows, notes=[
        _("One row per village or community. Keep the columns in this order; rows are matched by name."),
        _("Township: the township's short name as on the platform (e.g. 临江镇), or empty.")])


def _int(value: Any, label: str, errors: list[str], number: int) -> int | None:
    try:
        result = int(Decimal(str(value).strip()))
        if result < 0 or Decimal(str(value).strip()) != result:
            raise InvalidOperation
        return result
    except (InvalidOperation, ValueError):
        errors.append(_("Row %(row)d: %(field)s must be a whole number ≥ 0, not “%(value)s”.")
                      % {"row": number, "field": label, "value": value if value is not None else ""})
        return None


def parse_villages(upload: Any, park: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows as action input, or the errors (each naming its row); nothing is read half."""
    _header, data = excel.read_rows(upload, max_rows=MAX_ROWS)
    townships = {}
    for u in Unit.objects.filter(park=park, kind=UnitKind.TOWNSHIP):
        townships[u.name] = u
        if u.short_name:
            townships[u.short_name] = u
    labels = _village_headers()
    rows, errors, seen = [], [], set()
    yes = {"yes", "y", "1", "true", "是", "在", _("yes")}
    for number, values in data:
        values = (list(values) + [None] * 7)[:7]
        name = str(values[0] or "").strip()
        if not name:
            errors.append(_("Row %(row)d: the name is empty.") % {"row": number})
            continue
        if name in seen:
            errors.append(_("Row %(row)d: %(name)s appears twice.") % {"row": number, "name": name})
        seen.add(name)
        town_name = str(values[1] or "").strip()
        township = townships.get(town_name) if town_name else None
        if town_name and township is None:
            errors.append(_("Row %(row)d: no township called “%(name)s” on the platform.")
                          % {"row": number, "name": town_name})
        households = _int(values[2], labels[2], errors, number)
        population = _int(values[3], labels[3], errors, number)
        try:
            distance = Decimal(str(values[4]).strip()).quantize(Decimal("0.01"))
            if distance < 0 or distance >= 10000:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(_("Row %(row)d: the distance must be a number of kilometres, not “%(value)s”.")
                          % {"row": number, "value": values[4] if values[4] is not None else ""})
            distance = None
        order = _int(values[5], labels[5], errors, number) if values[5] not in (None, "") else 100
        if households is not None and population is not None and population < households:
            errors.append(_("Row %(row)d: the population is smaller than the number of households.")
                          % {"row": number})
        active = str(values[6]).strip().lower() in yes if values[6] not in (None, "") else True
        rows.append({"name": name[:60], "township": township, "households": households, "population": population,
                     "distance_km": distance, "sort_order": order, "is_active": active})
    if not data:
        errors.append(_("The sheet has no village rows."))
    return rows, errors


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], *, first: bool = False) -> None:
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B5D55")
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 16


def _pct(rate: stats.Rate) -> float | None:
    return float(rate.percent) if rate.percent is not None else None


def results_workbook(park_id: int) -> bytes:
    wb = Workbook()
    years = stats.by_year(park_id)
    _sheet(wb, _("By year"), [_("Year"), _("Rounds"), _("Responses"), _("Answered the satisfaction question"),
                              _("Satisfied + basically satisfied"), _("Rate (%)"), _("Complaints received")],
           [[y.year, "、".join(y.rounds), y.responses, y.rate.answered, y.rate.satisfied, _pct(y.rate), y.complaints]
            for y in years], first=True)
    year_list, villages = stats.village_years(park_id)
    _sheet(wb, _("By village"), [_("Village"), _("Township"), _("Distance to the park (km)"),
                                 *[_("%(year)d rate (%%)") % {"year": y} for y in year_list],
                                 *[_("%(year)d answered") % {"year": y} for y in year_list]],
           [[v.name, v.township.name if v.township_id else "", float(v.distance_km), *[_pct(r) for r in rates],
             *[r.answered for r in rates]] for v, rates in villages])
    for round_ in stats.closed_rounds(park_id).order_by("opens_on"):
        overall, rows = stats.round_rates(round_)
        _sheet(wb, f"{round_.year} {round_.pk}", [_("Village"), _("Responses"), _("Of them on paper"),
                                                  _("Answered"), _("Satisfied + basically satisfied"), _("Rate (%)")],
               [*[[v.name, n, paper, r.answered, r.satisfied, _pct(r)] for v, r, n, paper in rows],
                [_("Overall"), sum(n for *_x, n, _p in rows), sum(p for *_x, p in rows), overall.answered,
                 overall.satisfied, _pct(overall)]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---- paper questionnaires ------------------------------------------------------------------------

def _question_header(index: int, q: Question) -> str:
    return f"{index}. {q.text}"


def paper_template(round_: Round) -> bytes:
    questions = list(round_.questions.all())
    notes = [_("One row per paper questionnaire. For a choice, write the option's number or its label; for "
               "several choices separate them with commas. Leave a cell empty when the question was not answered.")]
    for i, q in enumerate(questions, start=1):
        if q.options:
            notes.append(f"{i}. {q.text}: " + "  ".join(f"{n}={label}" for n, label in enumerate(q.options, 1)))
    return excel.workbook_bytes(_("Paper questionnaires"),
                                [_question_header(i, q) for i, q in enumerate(questions, 1)], [], notes=notes)


def _choices(q: Question, value: Any) -> list[int]:
    parts = [p.strip() for p in str(value).replace("，", ",").replace("、", ",").split(",") if p.strip()]
    out = []
    for part in parts:
        if part.isdigit() and 1 <= int(part) <= len(q.options):
            out.append(int(part))
        elif part in q.options:
            out.append(q.options.index(part) + 1)
        else:
            raise ValueError(part)
    if q.kind != QuestionKind.MULTIPLE and len(out) > 1:
        raise ValueError(str(value))
    return sorted(set(out))


def parse_paper(upload: Any, round_: Round) -> tuple[list[tuple[dict[str, Any], int | None]], list[str]]:
    questions = list(round_.questions.all())
    _header, data = excel.read_rows(upload, max_rows=MAX_ROWS)
    if not data:
        return [], [_("The sheet has no questionnaire rows.")]
    out, errors = [], []
    for number, values in data:
        values = (list(values) + [None] * len(questions))[:len(questions)]
        answers: dict[str, Any] = {}
        point = None
        for i, (q, value) in enumerate(zip(questions, values, strict=True), start=1):
            if value is None or str(value).strip() == "":
                if q.required:
                    errors.append(_("Row %(row)d: question %(n)d is required.") % {"row": number, "n": i})
                continue
            if q.kind == QuestionKind.TEXT:
                answers[str(q.pk)] = str(value).strip()[:1000]
                continue
            try:
                answers[str(q.pk)] = _choices(q, value)
            except ValueError:
                errors.append(_("Row %(row)d: “%(value)s” is not an option of question %(n)d.")
                              % {"row": number, "value": value, "n": i})
                continue
            if q.is_satisfaction:
                point = answers[str(q.pk)][0]
        out.append((answers, point))
    return out, errors
