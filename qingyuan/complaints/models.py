"""Complaints (信访投诉) and petitions, the park's complaint policy and routing rules, and SMS.

Statuses move only through ``qingyuan.complaints.workflow``; every change is a ``do_*``
action in ``qingyuan.complaints.actions``. Personal data (name, phone) is stored for the
handling staff only; the phone is also kept as a keyed hash so repeat complainants can
be counted without reading numbers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingyuan.complaints.choices import (
    OFFICE_STATUSES,
    OPEN_STATUSES,
    UNIT_STATUSES,
    CaseType,
    Category,
    Channel,
    Rating,
    ReceiptSource,
    ReviewLevel,
    RoutingBasis,
    SmsPurpose,
    SmsStatus,
    Status,
)
from qingyuan.complaints.deadlines import PETITION, Clocks
from qingyuan.core.work import Colour
from qingyuan.enterprises.models import LATITUDE, LONGITUDE, Enterprise, EnterpriseAccount
from qingyuan.org.actor import Actor, actor_for
from qingyuan.org.choices import Role
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet, officer_units

# Roles that read every complaint of their park (supervisors and inspectors only read).
PARK_READER_ROLES = frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN, Role.SUPERVISOR, Role.INSPECTOR})
# Roles that see every tracking code of their park (the others see a complaint's reference, #id).
CODE_ROLES = frozenset({Role.OFFICE_STAFF, Role.LEADER, Role.ADMIN})


class ComplaintPolicy(models.Model):
    """A park's enforcement deadlines for environmental complaints and its routing distances.

    Petitions always follow the 信访工作条例 clocks (``deadlines.PETITION``).
    """

    park = models.OneToOneField(Park, on_delete=models.CASCADE, related_name="complaint_policy",
                                verbose_name=_("park"))
    accept_days = models.PositiveSmallIntegerField(
        _("days to accept or route"), default=15, validators=[MinValueValidator(1), MaxValueValidator(60)])
    handle_days = models.PositiveSmallIntegerField(
        _("days to handle after acceptance"), default=60, validators=[MinValueValidator(1), MaxValueValidator(365)])
    extension_days = models.PositiveSmallIntegerField(
        _("extension with approval (days)"), default=30, validators=[MaxValueValidator(90)])
    review_request_days = models.PositiveSmallIntegerField(
        _("days to ask for a review after the reply"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(90)])
    review_answer_days = models.PositiveSmallIntegerField(
        _("days to answer a review"), default=30, validators=[MinValueValidator(1), MaxValueValidator(90)])
    nearest_radius_m = models.PositiveIntegerField(
        _("nearest-enterprise radius (m)"), default=1000, validators=[MaxValueValidator(20000)],
        help_text=_("A complaint whose place is within this distance of an enterprise goes to its linked unit."))
    duplicate_radius_m = models.PositiveIntegerField(
        _("duplicate distance (m)"), default=300, validators=[MaxValueValidator(5000)])
    duplicate_hours = models.PositiveIntegerField(
        _("duplicate time window (hours)"), default=72, validators=[MinValueValidator(1), MaxValueValidator(720)])
    max_distance_km = models.PositiveIntegerField(
        _("farthest place accepted (km from the park)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(500)])
    auto_accept = models.BooleanField(
        _("accept automatically when routing finds a unit"), default=True,
        help_text=_("Complaints with a suggested duplicate, or routed only to the office, always wait for the office."))
    review_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("review unit"),
        help_text=_("Reviews (复查) go to this unit; empty: the office routes each one."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("complaint policy")
        verbose_name_plural = _("complaint policies")

    def __str__(self) -> str:
        return f"{self.park}: {self.accept_days}/{self.handle_days}(+{self.extension_days})"

    @property
    def clocks(self) -> Clocks:
        return Clocks(self.accept_days, self.handle_days, self.extension_days, self.review_request_days,
                      self.review_answer_days)

    def clocks_for(self, case_type: str) -> Clocks:
        return PETITION if case_type == CaseType.PETITION else self.clocks

    @classmethod
    def for_park(cls, park: Park | int) -> ComplaintPolicy:
        """The park's policy, or the defaults (unsaved) when it has none."""
        park_id = park if isinstance(park, int) else park.pk
        return cls.objects.filter(park_id=park_id).first() or cls(park_id=park_id)


class CategoryRule(models.Model):
    """The office's rule: complaints of this category with no enterprise nearby go to this unit."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="complaint_rules", verbose_name=_("park"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        ordering = ["park", "category"]
        constraints = [models.UniqueConstraint(fields=["park", "category"], name="complaints_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.unit}"


class ComplaintQuerySet(ParkScopedQuerySet):
    """Each rule on its own line; see docs/complaints.md.

    The park rule (anonymous: nothing, superuser: all, the park's readers: its complaints) is the
    shared one; the two rules after it are the complaints app's own. The citizen's view of their
    own complaint is not here: a citizen has no account, and reads one complaint by its tracking
    code (``access.public_complaint``), so that rule stays apart from ``visible_to``.
    """

    reader_roles = PARK_READER_ROLES  # office, leaders, admins, supervision group, inspectors

    def visible_rows(self, actor: Actor) -> models.Q:
        own_enterprises = EnterpriseAccount.objects.filter(user_id=actor.user_id).values("enterprise_id")
        return (
            self.park_rule(actor)                                                # office, leaders, readers
            | models.Q(handling_unit_id__in=officer_units(actor))                # a unit: what was routed to it
            | (models.Q(enterprise_id__in=own_enterprises)                        # an enterprise: about itself,
               & ~models.Q(status__in=[Status.RECEIVED, Status.NOT_ACCEPTED]))   # once accepted
        )

    def open(self):  # type: ignore[no-untyped-def]
        return self.filter(status__in=OPEN_STATUSES)

    def with_code_visible_to(self, user):  # type: ignore[no-untyped-def]
        """Those whose tracking code ``user`` sees (access.sees_tracking_code, as a query)."""
        actor = actor_for(user)
        if actor.is_superuser:
            return self
        return self.filter(
            models.Q(park_id__in=list(actor.park_ids_with(CODE_ROLES)))    # office, leaders, admins
            | models.Q(handling_unit_id__in=officer_units(actor))          # the handling unit
        )


class Complaint(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("park"))
    code = models.CharField(_("tracking code"), max_length=12, unique=True)
    case_type = models.CharField(_("case type"), max_length=10, choices=CaseType.choices,
                                 default=CaseType.COMPLAINT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    address = models.CharField(_("place"), max_length=200, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=LONGITUDE)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=LATITUDE)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="complaints", verbose_name=_("enterprise"))
    township = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("township"))
    # The ~200 m map cell of the place (geo.cell), stored so hotspots are one indexed GROUP BY.
    place_cell = models.BigIntegerField(null=True, blank=True, editable=False)
    observed_at = models.DateTimeField(_("observed"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_on = models.DateField(_("received on"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    # Personal data: shown only to the office and the handling unit (access.sees_personal_data).
    name = models.CharField(_("complainant's name"), max_length=50, blank=True)
    phone = models.CharField(_("complainant's phone"), max_length=30, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    # The complainant's consent (public form checkbox) to publish the reply on the disclosure portal,
    # anonymised: portal.rules publishes the category, month and reply, never name, phone or place.
    publish_reply = models.BooleanField(_("reply may be published anonymised"), default=False)
    trackable = models.BooleanField(_("trackable by code"), default=True,
                                    help_text=_("Off: the tracking page answers as if the code did not exist."))
    # The complainant's PIN for rating and review requests from the public side (actions.pin): a keyed
    # hash only, "salt$hex"; empty: no PIN was issued, the public side cannot act on the complaint.
    pin_hash = models.CharField(max_length=100, blank=True, editable=False)
    pin_failures = models.PositiveSmallIntegerField(_("wrong PIN attempts"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    handling_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="complaints", verbose_name=_("handling unit"))
    suggested_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("suggested unit"))
    routing_basis = models.CharField(_("routing"), max_length=12, choices=RoutingBasis.choices, blank=True)
    accept_deadline = models.DateField(_("acceptance deadline"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    handle_deadline = models.DateField(_("handling deadline"), null=True, blank=True)
    extension_requested = models.BooleanField(_("extension requested"), default=False)
    extended = models.BooleanField(_("extended"), default=False)
    not_accepted_reason = models.TextField(_("reason for not accepting"), blank=True)
    reply = models.TextField(_("public reply"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("replied on time"), null=True, blank=True)
    # The complainant's receipt of the written reply: the review request clock runs from it (docs/complaints.md).
    reply_received_on = models.DateField(_("reply received on"), null=True, blank=True)
    reply_receipt = models.CharField(_("receipt of the reply"), max_length=10, choices=ReceiptSource.choices,
                                     blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged", verbose_name=_("merged into"))
    review_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="reviews", verbose_name=_("review of"))
    review_level = models.PositiveSmallIntegerField(_("review level"), choices=ReviewLevel.choices,
                                                    default=ReviewLevel.ORIGINAL)
    assignment = models.ForeignKey("tasks.Assignment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="complaints", verbose_name=_("assignment"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            # the statistics: a park's original cases by year, each index covering the grouped column
            models.Index(fields=["park", "year", "review_level", "month", "category", "channel", "case_type",
                                 "township"], name="complaints_stat_receipt"),
            models.Index(fields=["park", "year", "review_level", "enterprise"], name="complaints_stat_enterprise"),
            models.Index(fields=["park", "year", "review_level", "phone_hash"], name="complaints_stat_phone"),
            models.Index(fields=["park", "year", "review_level", "place_cell"], name="complaints_stat_cell"),
            models.Index(fields=["park", "year", "review_level", "handling_unit", "status", "replied_on_time",
                                 "rating", "handle_deadline"], name="complaints_stat_handling"),
            # the duplicate check: open complaints of a category in a time window
            models.Index(fields=["park", "status", "category", "received_at"], name="complaints_dup"),
            models.Index(fields=["handling_unit", "status"], name="complaints_unit_status"),
            models.Index(fields=["park", "-received_at"], name="complaints_board"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(merged_into=models.F("id")), name="complaints_not_self_merged"),
        ]

    def __str__(self) -> str:
        # Not the tracking code: this string reaches assignments, audit entries and notifications that
        # people who may not see the code read (access.sees_tracking_code).
        return f"{self.reference} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    def tracking_url(self) -> str:
        return reverse("complaints_public:track", args=[self.code])

    @property
    def reference(self) -> str:
        """The staff-side name of the complaint, shown where the tracking code may not be."""
        return f"#{self.pk}"

    @property
    def case(self) -> Complaint:
        """The case this complaint follows: the one it was merged into, or itself."""
        return self.merged_into if self.merged_into_id else self  # type: ignore[return-value]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_petition(self) -> bool:
        return self.case_type == CaseType.PETITION

    @property
    def is_review(self) -> bool:
        return self.review_level > ReviewLevel.ORIGINAL

    @property
    def current_deadline(self) -> dt.date | None:
        """The deadline that runs now: acceptance while the office holds it, handling while the unit does."""
        if self.status in OFFICE_STATUSES:
            return self.accept_deadline
        if self.status in UNIT_STATUSES:
            return self.handle_deadline
        return None

    def colour(self, today: dt.date) -> Colour:
        """The assignment's escalation colour, or the ladder's colour for the running legal deadline."""
        from qingyuan.tasks.choices import LEVEL_COLOURS
        from qingyuan.tasks.ladder import Ladder, level_on

        deadline = self.current_deadline
        computed = LEVEL_COLOURS[level_on(deadline, today, Ladder.DEFAULT)] if deadline else Colour.NONE
        assigned = Colour.NONE
        if self.assignment_id and self.status in UNIT_STATUSES:
            assigned = LEVEL_COLOURS[self.assignment.escalation_level]  # type: ignore[union-attr]
        return max(computed, assigned)


class SmsMessage(models.Model):
    """A text message to a complainant, sent and retried by the worker through the SMS backend."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="sms")
    phone = models.CharField(max_length=30)
    text = models.CharField(max_length=500)  # as staff may read it: a PIN in it is masked (PIN_MASK)
    secret = models.CharField(max_length=20, blank=True)  # the PIN the masked text stands for, until sent
    purpose = models.CharField(max_length=10, choices=SmsPurpose.choices, blank=True, default="")
    status = models.CharField(max_length=10, choices=SmsStatus.choices, default=SmsStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="complaints_sms_due")]

    def __str__(self) -> str:
        return f"SMS {self.pk} ({self.status})"

    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


class ChallengeUse(models.Model):
    """A spam challenge that was answered: its nonce is unique, so a token is accepted once, whichever
    process sees it (ratelimit.consume inserts the row inside the submission's transaction)."""

    nonce = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce


class RateHit(models.Model):
    """One counted public request (a submission, a tracking-code lookup) from an address, kept as a keyed
    hash. Counting rows is shared by every process; rows older than the longest window are pruned."""

    scope = models.CharField(max_length=10)
    address = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "address", "at"], name="complaints_ratehit_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M:%S}"
