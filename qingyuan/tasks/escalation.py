"""The escalation ladder applied by the worker: step ``escalate``.

The ladder itself is pure (``qingyuan.tasks.ladder``: dates in, level out). This
module schedules it: every assignment that waits on its unit (awaiting signature or
in progress) carries ``next_escalation_at``, the local midnight on which its level next
changes. The step reads a small batch of due rows, computes each row's new level, and
claims the batch in one ``UPDATE ... FROM (VALUES <what it read and computed>) WHERE
id = v.id AND escalation_level = v.read_level AND deadline = v.read_deadline AND
next_escalation_at = v.read_next_check`` that stamps a claim token. A row another worker (or an approved extension) changed
meanwhile no longer matches, so this worker stays silent about it and nobody is
notified twice. Rows it won are recorded (an EscalationEvent and an audit entry each) and notified, one message per unit and
level and batch, naming the items.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import audit, bulk
from qingyuan.core.notify import notify
from qingyuan.org.choices import Role
from qingyuan.org.models import Membership
from qingyuan.tasks.choices import ESCALATING_STATUSES, EscalationLevel
from qingyuan.tasks.ladder import Ladder, due_on, level_on, next_level  # noqa: F401  (re-exported)
from qingyuan.tasks.models import Assignment, EscalationEvent, EscalationPolicy

BATCH = 1000
KIND = "assignment.escalated"


def next_check_at(deadline: dt.date, ladder: Ladder, level: int) -> dt.datetime | None:
    """The aware local midnight on which an item at ``level`` next climbs (None at the top)."""
    day = due_on(deadline, ladder, level)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def schedule(status: str, deadline: dt.date, ladder: Ladder, level: int) -> dt.datetime | None:
    """``next_escalation_at`` for an assignment in ``status``: only items waiting on their unit climb."""
    return next_check_at(deadline, ladder, level) if status in ESCALATING_STATUSES else None


@dataclass(frozen=True, slots=True)
class Row:
    pk: int
    park_id: int
    assignee_unit_id: int
    issued_by_id: int | None
    number: str
    subject: str
    deadline: dt.date
    level: int
    next_at: dt.datetime


_FIELDS = ("pk", "park_id", "assignee_unit_id", "issued_by_id", "number", "subject", "deadline",
           "escalation_level", "next_escalation_at")


def due_rows(now: dt.datetime, *, limit: int = BATCH) -> list[Row]:
    qs = (Assignment.objects.filter(next_escalation_at__lte=now, status__in=ESCALATING_STATUSES)
          .order_by("next_escalation_at", "id").values_list(*_FIELDS)[:limit])
    return [Row(*values) for values in qs]


def ladders_for(park_ids: Iterable[int]) -> dict[int, Ladder]:
    ids = set(park_ids)
    found = {p.park_id: p.ladder for p in EscalationPolicy.objects.filter(park_id__in=ids)}
    return {park_id: found.get(park_id, Ladder.DEFAULT) for park_id in ids}


def apply_rows(rows: list[Row], now: dt.datetime) -> int:
    """Move each row to the level its dates call for; return how many changed level.

    One UPDATE claims the whole batch: each row's condition is the state this worker
    read (level, deadline, next check), and every row it changes is stamped with this
    call's claim token, which the following SELECT uses to learn which rows it won.
    """
    if not rows:
        return 0
    today = timezone.localdate(now)
    ladders = ladders_for(r.park_id for r in rows)
    plan: dict[int, tuple[Row, int, dt.datetime | None]] = {}
    for row in rows:
        ladder = ladders[row.park_id]
        new = next_level(row.deadline, today, ladder, row.level)
        plan[row.pk] = (row, new, next_check_at(row.deadline, ladder, new))
    rising = [pk for pk, (row, new, _next) in plan.items() if new != row.level]
    claim = uuid.uuid4().hex
    with transaction.atomic():
        _claim(plan, claim, now)
        won = set(Assignment.objects.filter(pk__in=rising, escalation_claim=claim).values_list("pk", flat=True)) \
            if rising else set()
        moved = [(plan[pk][0], plan[pk][1]) for pk in rising if pk in won]
        if moved:
            _record(moved, now)
            _notify(moved)
    return len(moved)


def _claim(plan: dict[int, tuple[Row, int, dt.datetime | None]], claim: str, now: dt.datetime) -> None:
    """The batch's one optimistic UPDATE, joined to the values this worker read and computed.

    Written out as SQL (``UPDATE ... FROM (VALUES ...)``, SQLite 3.33+ and PostgreSQL): the
    ORM would need a 1,000-branch CASE per column, slow to compile and to run.
    """
    table = connection.ops.quote_name(Assignment._meta.db_table)
    date_field = Assignment._meta.get_field("deadline")
    time_field = Assignment._meta.get_field("next_escalation_at")
    adapted: dict[Any, Any] = {}  # a batch shares few distinct times and dates: adapt each once

    def db(field: Any, value: Any) -> Any:
        if value not in adapted:
            adapted[value] = field.get_db_prep_value(value, connection)
        return adapted[value]

    # PostgreSQL types a VALUES list from its first row; say what the columns are.
    typed = "(%s::bigint, %s::smallint, %s::date, %s::timestamptz, %s::smallint, %s::timestamptz)"
    plain = "(%s, %s, %s, %s, %s, %s)"
    rows_sql, params = [], [db(time_field, now), claim]
    for pk, (row, new, following) in plan.items():
        rows_sql.append(typed if not rows_sql and connection.vendor == "postgresql" else plain)
        params += [pk, row.level, db(date_field, row.deadline), db(time_field, row.next_at), new,
                   db(time_field, following)]
    statuses = sorted(ESCALATING_STATUSES)
    params += statuses
    # v.column1..6: id, level read, deadline read, next check read, new level, next check after
    sql = (
        f"UPDATE {table} SET escalation_level = v.column5, next_escalation_at = v.column6, "  # noqa: S608
        f"escalated_at = CASE WHEN v.column5 <> v.column2 THEN %s ELSE {table}.escalated_at END, "
        f"escalation_claim = %s "
        f"FROM (VALUES {', '.join(rows_sql)}) AS v "
        f"WHERE {table}.id = v.column1 AND {table}.escalation_level = v.column2 AND {table}.deadline = v.column3 "
        f"AND {table}.next_escalation_at = v.column4 AND {table}.status IN ({', '.join(['%s'] * len(statuses))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def handle_one_escalation() -> bool:
    """Worker step: escalate one batch of due assignments. False when nothing is due."""
    now = timezone.now()
    rows = due_rows(now)
    if not rows:
        return False
    apply_rows(rows, now)
    return True


def _record(moved: list[tuple[Row, int]], now: dt.datetime) -> None:
    """An EscalationEvent and an audit entry per level change, each kind in one INSERT (``core.bulk``)."""
    labels = {level: str(level.label) for level in EscalationLevel}
    bulk.insert(EscalationEvent, [
        {"assignment_id": row.pk, "time": now, "from_level": row.level, "to_level": new, "deadline": row.deadline,
         "note": ""} for row, new in moved],  # the page says how late, in the reader's language
        action="assignment.escalate", acting_user=None, time=now, entries=[
            audit.Entry(audit.Ref(Assignment, row.pk, f"{row.number} {row.subject}"),
                        before={"escalation_level": row.level},
                        after={"escalation_level": new, "deadline": row.deadline.isoformat()},
                        message=labels[EscalationLevel(new)]) for row, new in moved])


def _notify(moved: list[tuple[Row, int]]) -> None:
    """One message per unit, level and issuer: the unit's officers; from 督办 on, also the issuer and leaders."""
    high = [(row, new) for row, new in moved if new >= EscalationLevel.SUPERVISED]
    officers: dict[int, list[Any]] = defaultdict(list)
    for m in Membership.objects.filter(
            unit_id__in={row.assignee_unit_id for row, _new in moved}, role=Role.UNIT_OFFICER, is_active=True,
    ).select_related("user"):
        officers[m.unit_id].append(m.user)
    leaders: dict[int, list[Any]] = defaultdict(list)
    issuers: dict[int, Any] = {}
    if high:
        for m in Membership.objects.filter(park_id__in={row.park_id for row, _new in high}, role=Role.LEADER,
                                           is_active=True).select_related("user"):
            leaders[m.park_id].append(m.user)
        ids = {row.issued_by_id for row, _new in high if row.issued_by_id}
        issuers = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    groups: dict[tuple[int, int, int, int | None], list[Row]] = defaultdict(list)
    for row, new in moved:
        issuer = row.issued_by_id if new >= EscalationLevel.SUPERVISED else None
        groups[(row.park_id, row.assignee_unit_id, new, issuer)].append(row)
    for (park_id, unit_id, new, issuer_id), rows in groups.items():
        recipients = list(officers[unit_id])
        if new >= EscalationLevel.SUPERVISED:
            recipients += leaders[park_id] + ([issuers[issuer_id]] if issuer_id in issuers else [])
        level = EscalationLevel(new).label
        if len(rows) == 1:
            row = rows[0]
            title = _("%(level)s: %(number)s %(subject)s") % {"level": level, "number": row.number,
                                                              "subject": row.subject}
            url = reverse("tasks:detail", args=[row.pk])
        else:
            title = _("%(level)s: %(n)d assignments, %(number)s and others") % {
                "level": level, "n": len(rows), "number": rows[0].number}
            url = f"{reverse('tasks:list')}?assignee_unit={unit_id}&level={new}"
        body = "\n".join(_("%(number)s %(subject)s, deadline %(deadline)s") % {
            "number": r.number, "subject": r.subject, "deadline": r.deadline.isoformat()} for r in rows)
        notify(recipients, kind=KIND, title=title, body=body, url=url)
