"""Satisfaction surveys (满意度调查) of the villages around the park.

The sampling frame is the park's villages and communities; a round (yearly or ad hoc) holds its own
questions, one of them the satisfaction question whose first two points (满意, 基本满意) make the rate.
Villagers answer on a phone after an SMS code (one response per phone per round, the phone kept only
as a keyed hash) or on paper, entered by staff in numbered batches.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qingyuan.org.choices import PARK_MANAGER_ROLES, PARK_WIDE_ROLES, UnitKind
from qingyuan.org.models import Park, Unit
from qingyuan.org.scoping import ParkScopedQuerySet
from qingyuan.surveys.choices import SATISFIED_POINTS, Channel, QuestionKind, RoundKind, RoundStatus


class VillageQuerySet(ParkScopedQuerySet):
    reader_roles = PARK_WIDE_ROLES  # the park's staff and readers


class Village(models.Model):
    """A village or community of the sampling frame (调查抽样框)."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=60)
    township = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 limit_choices_to={"kind": UnitKind.TOWNSHIP}, verbose_name=_("township"))
    households = models.PositiveIntegerField(_("households"))
    population = models.PositiveIntegerField(_("population"))
    distance_km = models.DecimalField(_("distance to the park (km)"), max_digits=6, decimal_places=2)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in the frame"), default=True)

    objects = VillageQuerySet.as_manager()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["sort_order", "distance_km", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="surveys_village_unique")]

    def __str__(self) -> str:
        return self.name


class RoundQuerySet(ParkScopedQuerySet):
    def visible_rows(self, actor):  # type: ignore[no-untyped-def]
        """Each rule on its own line; see docs/surveys.md."""
        return (
            self.park_rule(actor, PARK_MANAGER_ROLES)                                              # office, leaders
            | (self.park_rule(actor, PARK_WIDE_ROLES)
               & models.Q(status__in=[RoundStatus.OPEN, RoundStatus.CLOSED]))                       # readers
        )


def new_code() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y").lower()


class Round(models.Model):
    """A survey round (调查轮次): its questions, dates and responses."""

    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices, default=RoundKind.YEARLY)
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    code = models.SlugField(_("link code"), max_length=20, unique=True, default=new_code)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-year", "-opens_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="surveys_round_dates")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:round", args=[self.pk])

    def public_url(self, village: Village) -> str:
        return reverse("surveys_public:answer", args=[self.code, village.pk])


class Question(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(pgettext_lazy("survey", "position"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    options = models.JSONField(_("options"), default=list, blank=True)  # labels, in order
    required = models.BooleanField(_("required"), default=True)
    is_satisfaction = models.BooleanField(_("the satisfaction question"), default=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["round"], condition=models.Q(is_satisfaction=True),
                                               name="surveys_one_satisfaction_question")]

    def __str__(self) -> str:
        return self.text


class PaperBatch(models.Model):
    """Paper questionnaires of one village entered together; the number is written on the bundle."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="batches")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    number = models.CharField(_("batch number"), max_length=30)
    note = models.CharField(_("note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_by_name = models.CharField(_("entered by"), max_length=150, blank=True)
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="surveys_batch_number_unique")]

    def __str__(self) -> str:
        return self.number


class Response(models.Model):
    """One questionnaire answered; ``answers`` maps a question's id to the chosen positions (1-based) or text."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="responses",
                                verbose_name=_("village"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    batch = models.ForeignKey(PaperBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="responses")
    phone_hash = models.CharField(max_length=64, blank=True)  # keyed hash; the number itself is never stored
    answers = models.JSONField(default=dict)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)  # point 1-5
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "phone_hash"], condition=~models.Q(phone_hash=""),
                                               name="surveys_one_response_per_phone")]
        indexes = [models.Index(fields=["round", "village", "satisfaction"], name="surveys_response_rate")]

    def __str__(self) -> str:
        return f"{self.round} · {self.village} · #{self.pk}"

    @property
    def satisfied(self) -> bool:
        return self.satisfaction in SATISFIED_POINTS


class SmsCode(models.Model):
    """A verification code sent to a phone for one round; only keyed hashes are kept."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    address_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["round", "phone_hash", "created_at"], name="surveys_code_phone"),
                   models.Index(fields=["address_hash", "created_at"], name="surveys_code_address")]

    def __str__(self) -> str:
        return f"code {self.pk}"
