"""The democratic supervision group (民主监督组): members, supervision opinions (监督意见) and the
members' participation in patrols and acceptance inspections.

Statuses move only through ``qingyuan.supervision.workflow``; every change is a ``do_*`` action in
``qingyuan.supervision.actions``. An opinion's escalation level is the assignments' ladder
(``qingyuan.tasks.ladder`` with the park's ``EscalationPolicy``), applied by the worker step in
``qingyuan.supervision.escalation``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.org.choices import Role
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet, officer_units
from qingyuan.supervision.choices import AnswerRating, MemberType, OpinionStatus, ParticipationStatus
from qingyuan.tasks.choices import EscalationLevel

# The office manages the group; leaders read it; members read their group's work.
MANAGER_ROLES = frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN})
GROUP_ROLES = MANAGER_ROLES | {Role.SUPERVISOR}


class MemberQuerySet(ParkScopedQuerySet):
    reader_roles = GROUP_ROLES  # the office and the group

    def serving_on(self, day: dt.date):  # type: ignore[no-untyped-def]
        return self.filter(term_start__lte=day, term_end__gte=day)


class Member(models.Model):
    """A member of the park's supervision group, with a type and a term."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="supervision_members",
                             verbose_name=_("park"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="supervision_memberships", verbose_name=_("login account"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    type = models.CharField(_("member type"), max_length=12, choices=MemberType.choices)
    organisation = models.CharField(_("organisation or village"), max_length=100, blank=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision group member")
        verbose_name_plural = _("supervision group members")
        ordering = ["park", "type", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "user"], name="supervision_member_unique_user"),
            models.CheckConstraint(condition=models.Q(term_end__gte=models.F("term_start")),
                                   name="supervision_member_term_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_type_display()}）"

    def serves_on(self, day: dt.date) -> bool:
        return self.term_start <= day <= self.term_end


class OpinionQuerySet(ParkScopedQuerySet):
    reader_roles = GROUP_ROLES

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/supervision.md."""
        return (
            self.park_rule(actor)                                # the office, leaders and the group
            | models.Q(unit_id__in=officer_units(actor))         # a unit: what is addressed to it
        )


class Opinion(models.Model):
    """A supervision opinion (监督意见) filed by a member, addressed to a unit, answered and rated."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="supervision_opinions",
                             verbose_name=_("park"))
    number = models.CharField(_("number"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="opinions",
                               verbose_name=_("filed by member"))
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("opinion"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="supervision_opinions",
                             verbose_name=_("addressed to"))
    filed_at = models.DateTimeField(_("filed"))
    deadline = models.DateField(_("answer due by"))
    status = models.CharField(_("status"), max_length=12, choices=OpinionStatus.choices,
                              default=OpinionStatus.FILED)
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), choices=EscalationLevel.choices,
                                                        default=EscalationLevel.NONE)
    next_escalation_at = models.DateTimeField(_("next escalation check"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answered_by_name = models.CharField(_("answered by"), max_length=150, blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=AnswerRating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision opinion")
        verbose_name_plural = _("supervision opinions")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "serial"], name="supervision_opinion_unique_serial"),
        ]
        indexes = [
            models.Index(fields=["next_escalation_at"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.pk])

    @property
    def level(self) -> EscalationLevel:
        return EscalationLevel(self.escalation_level)

    def overdue(self, today: dt.date) -> bool:
        return self.status == OpinionStatus.FILED and self.deadline < today


class ParticipationQuerySet(ParkScopedQuerySet):
    reader_roles = GROUP_ROLES  # the office and the group


class Participation(models.Model):
    """A member taking part in a patrol or an acceptance inspection, by invitation or on request, and
    their signature on the inspection record (typed name and time)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="participations",
                               verbose_name=_("member"))
    patrol = models.ForeignKey("inspections.Patrol", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="supervision_participants", verbose_name=_("patrol"))
    acceptance = models.ForeignKey("plans.Acceptance", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="supervision_participants", verbose_name=_("acceptance"))
    day = models.DateField(_("inspection day"))
    status = models.CharField(_("status"), max_length=12, choices=ParticipationStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    signature_name = models.CharField(_("signed as"), max_length=60, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation in an inspection")
        verbose_name_plural = _("participations in inspections")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(patrol__isnull=False, acceptance__isnull=True)
                           | models.Q(patrol__isnull=True, acceptance__isnull=False)),
                name="supervision_participation_one_inspection"),
            models.UniqueConstraint(fields=["member", "patrol"], name="supervision_participation_unique_patrol"),
            models.UniqueConstraint(fields=["member", "acceptance"],
                                    name="supervision_participation_unique_acceptance"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.inspection}"

    @property
    def inspection(self) -> object:
        return self.patrol if self.patrol_id else self.acceptance

    @property
    def inspection_url(self) -> str:
        if self.patrol_id:
            return reverse("inspections:detail", args=[self.patrol_id])
        assert self.acceptance is not None
        return reverse("plans:acceptance", args=[self.acceptance.plan_id])

    @property
    def inspection_kind(self) -> str:
        return str(_("Patrol") if self.patrol_id else _("Acceptance inspection"))
