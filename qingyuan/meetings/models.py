"""Meetings (领导小组会, 推进会, 专题会, 动员大会): invitations and attendance, agenda, minutes, decisions.

States move only through ``qingyuan.meetings.workflow``; every change is a ``do_*`` action in
``qingyuan.meetings.actions`` (the meeting and its attendance) or ``qingyuan.meetings.minutes``
(minutes, decisions, carry-over). See docs/meetings.md.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.meetings.choices import (
    ItemKind,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
    ReminderKind,
    ReportKind,
    Response,
)
from qingyuan.org.choices import PARK_MANAGER_ROLES
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet, officer_units

DEFAULT_MARGIN = 30  # minutes before the start (and after the end) in which sign-in is accepted


class MeetingQuerySet(ParkScopedQuerySet):
    reader_roles = PARK_MANAGER_ROLES

    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/meetings.md."""
        return (
            self.park_rule(actor)                                                     # office, leaders: all
            | models.Q(pk__in=Invitation.objects.filter(user_id=actor.user_id).values("meeting_id"))  # invitees
            | models.Q(pk__in=Meeting.invited_units.through.objects.filter(unit_id__in=officer_units(actor))
                       .values("meeting_id"))                                       # officers of invited units
        )


class Meeting(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("chair"))
    chair_name = models.CharField(_("chair"), max_length=150)
    invited_units = models.ManyToManyField(Unit, related_name="+", blank=True, verbose_name=_("invited units"))
    notice = models.TextField(_("invitation notice"), blank=True)
    sign_in_margin = models.PositiveSmallIntegerField(
        _("sign-in margin (minutes)"), default=DEFAULT_MARGIN, validators=[MaxValueValidator(240)])
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices,
                              default=MeetingStatus.PLANNED)
    minutes_status = models.CharField(_("minutes"), max_length=12, choices=MinutesStatus.choices,
                                      default=MinutesStatus.DRAFT)
    number_year = models.PositiveSmallIntegerField(_("number year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("minutes number"), null=True, blank=True)
    approved_by_name = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["park", "number_year", "serial"], name="meetings_minutes_number_unique"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="meetings_time_order"),
        ]
        indexes = [models.Index(fields=["park", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def number(self) -> str:
        """纪要〔2026〕第3号, once the minutes are issued; empty before."""
        return f"纪要〔{self.number_year}〕第{self.serial}号" if self.serial else ""

    def sign_in_window(self) -> tuple[dt.datetime, dt.datetime]:
        margin = dt.timedelta(minutes=self.sign_in_margin)
        return self.starts_at - margin, self.ends_at + margin


class Invitation(models.Model):
    """One invitee: the notice, their reply (attend, deputy, absent) and their sign-in."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("invitee"))
    user_name = models.CharField(_("invitee"), max_length=150)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    response = models.CharField(_("reply"), max_length=10, choices=Response.choices, default=Response.PENDING)
    deputy_name = models.CharField(_("deputy"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    responded_at = models.DateTimeField(_("replied"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    signed_in_by = models.CharField(_("signed in as"), max_length=150, blank=True)  # the invitee or the deputy

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["unit__sort_order", "user_name", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_one_invitation")]

    def __str__(self) -> str:
        return f"{self.meeting} — {self.user_name}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#attendance"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices, default=ItemKind.TOPIC)
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=200)
    presenter = models.CharField(_("presenter"), max_length=100, blank=True)
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"


class ItemReport(models.Model):
    """A platform report attached to an agenda item: a briefing, an enterprise, or the cockpit of a day.

    The cockpit snapshot stores its figures at attach time (the cockpit itself is always live)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    object_id = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(_("label"), max_length=200)
    day = models.DateField(_("date"))
    figures = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label

    def url(self) -> str:
        if self.kind == ReportKind.BRIEFING and self.object_id:
            return reverse("briefings:detail", args=[self.object_id])
        if self.kind == ReportKind.ENTERPRISE and self.object_id:
            return reverse("enterprises:detail", args=[self.object_id])
        return ""


class Decision(models.Model):
    """A decision (议定事项): the lead responsible unit carries the assignment; co-units help."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions",
                             verbose_name=_("agenda item"))
    serial = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("decision"))
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                         verbose_name=_("responsible unit"))
    co_units = models.ManyToManyField(Unit, related_name="+", blank=True, verbose_name=_("co-units"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    assignment = models.OneToOneField("tasks.Assignment", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="meeting_decision", verbose_name=_("assignment"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["serial", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "serial"], name="meetings_decision_serial")]

    def __str__(self) -> str:
        return f"{self.meeting.title} 议定事项{self.serial}"

    def get_absolute_url(self) -> str:
        return f"{reverse('meetings:detail', args=[self.meeting_id])}#decision-{self.pk}"

    @property
    def short(self) -> str:
        return self.text if len(self.text) <= 40 else self.text[:40] + "…"


class ReviewEntry(models.Model):
    """An open decision of an earlier meeting carried over to a review item, with its status then."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="reviews")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="reviews")
    state_then = models.CharField(_("status when carried over"), max_length=12)

    class Meta:
        ordering = ["decision__meeting__starts_at", "decision__serial", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "decision"], name="meetings_review_once")]

    def __str__(self) -> str:
        return f"{self.item} ← {self.decision}"


class Correction(models.Model):
    """An audited correction of issued minutes: what was changed, from what, and why."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    target = models.CharField(_("corrected"), max_length=100)
    old = models.TextField(_("before"))
    new = models.TextField(_("after"))
    reason = models.TextField(_("reason"))
    by_name = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.target}"


class MinutesReceipt(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user_name = models.CharField(_("reader"), max_length=150)
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    read_at = models.DateTimeField(_("read"), auto_now_add=True)

    class Meta:
        ordering = ["read_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meetings_one_receipt")]

    def __str__(self) -> str:
        return f"{self.user_name} {self.read_at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """One reminder sent, per person, meeting and kind: the unique row makes the worker step idempotent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user", "kind"], name="meetings_one_reminder")]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.user_id}/{self.kind}"
