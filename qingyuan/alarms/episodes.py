"""Alarm episodes: one assignment and one notice to the linked unit per burst of alarms, not per pollutant.

An episode is a run of alarms of one enterprise in which each alarm starts no later than
``episode_gap_hours`` (the park's alarm policy, 24 h by default) after the latest end of the
alarms already in it. A new alarm joins its enterprise's newest episode when

- it starts within the gap after the episode's latest alarm end, and
- the episode's assignment, if it has one, is still open (neither completed nor withdrawn).

Otherwise it opens a new episode. Only alarms someone is told about take part: medium and
high severity, and the kinds the policy assigns; low-severity notes (maintenance, calibration)
stay outside episodes.

For the kinds the policy assigns, the episode has one assignment to the enterprise's linked
unit. The first such alarm issues it (the unit's one notification, "new assignment"); every
later one is added to its list of alarms (``do_amend_assignment``: the requirements are
rewritten with the full list and the change is audited; the priority rises with a more severe
alarm; nobody is notified again). An episode of alarms that open no assignment (warnings,
data-quality kinds) tells the unit's officers once, when it opens. The enterprise's users
are told of every alarm: each one is theirs to explain.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.alarms.choices import Severity
from qingyuan.alarms.models import Alarm, AlarmEpisode, Policy
from qingyuan.core import audit
from qingyuan.core.notify import notify
from qingyuan.core.workflow import TransitionError
from qingyuan.enterprises.models import Enterprise

log = logging.getLogger("qingyuan.alarms")

PRIORITY = {Severity.HIGH: "urgent", Severity.MEDIUM: "normal", Severity.LOW: "normal"}


def takes_part(alarm: Alarm, policy: Policy) -> bool:
    return alarm.enterprise_id is not None and (alarm.severity != Severity.LOW or alarm.kind in policy.assign_kinds)


def current(enterprise_id: int, start: dt.datetime, gap: dt.timedelta) -> AlarmEpisode | None:
    """The enterprise's episode a new alarm starting at ``start`` joins, or None (a new episode)."""
    episode = (AlarmEpisode.objects.filter(enterprise_id=enterprise_id).select_related("assignment")
               .order_by("-id").first())
    if episode is None:
        return None
    if episode.assignment_id is not None and not episode.assignment.is_open:  # type: ignore[union-attr]
        return None
    last_end = Alarm.objects.filter(episode=episode).aggregate(m=Max("end"))["m"] or episode.start
    return episode if start <= last_end + gap else None


def _line(alarm: Alarm) -> str:
    from qingyuan.alarms.actions import title_of

    start = timezone.localtime(alarm.start).strftime("%Y-%m-%d %H:%M")
    return f"- #{alarm.pk} {title_of(alarm, alarm.point.name)} ({start})"


def requirements(enterprise: Enterprise, alarms: list[Alarm]) -> str:
    intro = _("The online monitoring raised alarms for %(enterprise)s. Check on site, have the enterprise explain "
              "each alarm with evidence on its alarm page, verify the explanations and report back.") % {
        "enterprise": enterprise.name}
    return "\n".join([intro, "", _("Alarms of this episode:"), *(_line(a) for a in alarms)])


def _alarms_of(assignment_id: int) -> list[Alarm]:
    return list(Alarm.objects.filter(assignment_id=assignment_id).select_related("point").order_by("start", "id"))


def _issue(episode: AlarmEpisode, alarm: Alarm, enterprise: Enterprise, policy: Policy) -> Any:
    from qingyuan.tasks.actions import do_issue_assignment

    start = timezone.localtime(alarm.start).strftime("%Y-%m-%d %H:%M")
    try:
        with transaction.atomic():
            return do_issue_assignment(
                park=enterprise.park, assignee_unit=enterprise.linked_unit, acting_user=None, enterprise=enterprise,
                subject=(_("Alarms at %(enterprise)s from %(start)s") % {
                    "enterprise": enterprise.name, "start": start})[:190],
                requirements=requirements(enterprise, [alarm]),
                deadline=timezone.localdate() + dt.timedelta(days=policy.deadline_days),
                priority=PRIORITY.get(alarm.severity, "normal"), source=alarm,
                source_label=_("Alarm #%(id)s") % {"id": alarm.pk})
    except (ValidationError, ValueError) as exc:
        log.warning("alarm %s: no assignment issued (%s)", alarm.pk, exc)
        return None


def _amend(assignment: Any, alarm: Alarm, enterprise: Enterprise) -> None:
    from qingyuan.tasks.actions import do_amend_assignment

    try:
        do_amend_assignment(assignment, acting_user=None, requirements=requirements(enterprise, _alarms_of(
            assignment.pk)), priority=PRIORITY.get(alarm.severity, "normal"), related=alarm,
            message=_("Alarm #%(id)s joined the episode.") % {"id": alarm.pk})
    except TransitionError as exc:  # closed meanwhile: the alarm stays listed on the alarm side only
        log.warning("alarm %s: assignment %s not amended (%s)", alarm.pk, assignment.pk, exc)


def link(obj: Alarm | AlarmEpisode, assignment: Any) -> None:
    """Point an alarm or an episode at the assignment that handles it (a system change, audited)."""
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(assignment=assignment)
        audit.record(f"{obj._meta.model_name}.link_assignment", obj, acting_user=None, related=assignment,
                     before={"assignment_id": obj.assignment_id}, after={"assignment_id": assignment.pk})
    obj.assignment = assignment


def place(alarm: Alarm, enterprise: Enterprise, policy: Policy, officers: list[Any], title: str) -> None:
    """Put a new alarm into its enterprise's episode; issue or amend the episode's assignment; tell the unit once."""
    if not takes_part(alarm, policy):
        return
    episode = current(enterprise.pk, alarm.start, policy.episode_gap)
    opened = episode is None
    if episode is None:
        episode = AlarmEpisode.objects.create(park_id=alarm.park_id, enterprise=enterprise, start=alarm.start,
                                              opened_at=alarm.first_detected_at)
    Alarm.objects.filter(pk=alarm.pk).update(episode=episode)
    alarm.episode = episode
    told = False
    if alarm.kind in policy.assign_kinds and enterprise.linked_unit_id is not None:
        assignment = episode.assignment if episode.assignment_id else None
        if assignment is None:
            assignment = _issue(episode, alarm, enterprise, policy)  # the unit's notice: a new assignment
            told = assignment is not None
            if assignment is not None:
                link(episode, assignment)
        if assignment is not None:
            link(alarm, assignment)
            if not told:
                _amend(assignment, alarm, enterprise)
            told = True
    if opened and not told and alarm.severity != Severity.LOW:
        notify(officers, kind="alarm.raised", title=title, url=alarm.get_absolute_url())
