"""Public notices (公告/公示) and e-mail subscriptions of the disclosure portal.

Everything else the portal shows is read from other apps through the publication rules
(``portal.rules``); these two are the portal's own records. State changes go through
``portal.actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingyuan.enterprises.models import Enterprise
from qingyuan.org.choices import PARK_MANAGER_ROLES
from qingyuan.org.models import Park
from qingyuan.org.scoping import ParkScopedQuerySet
from qingyuan.portal.choices import PUBLIC_STATUSES, NoticeKind, NoticeStatus


class NoticeQuerySet(ParkScopedQuerySet):
    def public(self) -> NoticeQuerySet:
        """What anyone may read: published and withdrawn notices (the latter marked), never drafts."""
        return self.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)

    reader_roles = PARK_MANAGER_ROLES  # staff side: office, leaders (see docs/portal.md)


class Notice(models.Model):
    park = models.ForeignKey(Park, on_delete=models.PROTECT, related_name="+", verbose_name=_("park"))
    kind = models.CharField(_("kind"), max_length=14, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("enterprise concerned"))
    issuer = models.CharField(_("issued by"), max_length=100,
                              help_text=_("The issuing body as printed under the notice, e.g. the park office."))
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["park", "status", "-published_at"], name="portal_notice_public")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.status == NoticeStatus.WITHDRAWN


class Subscription(models.Model):
    """An e-mail address that asked for digests of a park's (or one enterprise's) notices and exceedances.

    Digests go only once ``confirmed_at`` is set (double opt-in); ``unsubscribed_at`` ends them.
    """

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="+", verbose_name=_("park"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                   verbose_name=_("enterprise"))
    email = models.EmailField(_("e-mail"))
    created_at = models.DateTimeField(_("created"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    sent_until = models.DateTimeField(_("items sent up to"), null=True, blank=True)
    digest_due_at = models.DateTimeField(_("next digest due"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["email", "park", "enterprise"], name="portal_subscription_enterprise",
                                    condition=models.Q(enterprise__isnull=False)),
            models.UniqueConstraint(fields=["email", "park"], name="portal_subscription_park",
                                    condition=models.Q(enterprise__isnull=True)),
        ]
        indexes = [models.Index(fields=["digest_due_at"], name="portal_subscription_due")]

    def __str__(self) -> str:
        return f"{self.park} {self.enterprise or ''}".strip()

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
