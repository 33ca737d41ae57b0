"""E-mail to subscribers: the confirmation (double opt-in) and the worker's digests.

Every mail goes through Django's e-mail backend and carries the unsubscribe link. The digest step
claims one due subscription with an optimistic ``UPDATE ... WHERE digest_due_at = <read value>``,
collects what was published since ``sent_until`` (notices; for an enterprise subscription also its
exceedances), mails it if there is anything, and moves ``sent_until`` on.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.portal import conf, rules
from qingyuan.portal.actions import DIGEST_EVERY, confirm_token, unsubscribe_token
from qingyuan.portal.models import Notice, Subscription


def _absolute(path: str) -> str:
    return conf.get("QINGYUAN_PORTAL_BASE_URL").rstrip("/") + path


def _topic(sub: Subscription) -> str:
    return sub.enterprise.name if sub.enterprise else sub.park.name


def _footer(sub: Subscription) -> str:
    return "\n\n-- \n" + _("To stop these mails, open: %(url)s") % {
        "url": _absolute(reverse("portal:unsubscribe", args=[unsubscribe_token(sub)]))}


def send_confirmation(sub: Subscription, base: str | None = None) -> None:
    path = reverse("portal:confirm", args=[confirm_token(sub)])
    url = (base.rstrip("/") if base else conf.get("QINGYUAN_PORTAL_BASE_URL").rstrip("/")) + path
    body = _("Someone (we hope you) asked for e-mail about %(topic)s on the public disclosure portal.\n\n"
             "To confirm, open this link within 7 days: %(url)s\n\n"
             "If it was not you, ignore this mail: nothing will be sent.") % {"topic": _topic(sub), "url": url}
    EmailMessage(_("Confirm your subscription: %(topic)s") % {"topic": _topic(sub)}, body + _footer(sub),
                 settings.DEFAULT_FROM_EMAIL, [sub.email]).send()


def new_items(sub: Subscription, since: dt.datetime, until: dt.datetime) -> list[str]:
    lines = []
    qs = Notice.objects.public().filter(park=sub.park)
    if sub.enterprise is not None:
        qs = qs.filter(enterprise=sub.enterprise)
    for n in qs.filter(published_at__gt=since, published_at__lte=until).order_by("published_at"):
        lines.append(f"[{n.get_kind_display()}] {n.title}\n{_absolute(reverse('portal:notice', args=[n.pk]))}")
    if sub.enterprise is not None:
        for a in rules.public_exceedances(sub.park, sub.enterprise, now=until):
            row = rules.exceedance_row(a)
            became_public = a.closed_at if row["closed"] else a.first_detected_at + rules.EXCEEDANCE_AFTER
            if since < became_public <= until:
                lines.append(_("Exceedance: %(name)s at %(point)s, %(status)s") % {
                    "name": row["name"], "point": row["point"], "status": row["status"]}
                    + "\n" + _absolute(reverse("portal:enterprise", args=[sub.enterprise_id])))
    return lines


def handle_one_digest() -> bool:
    """Send one due subscription's digest (if anything is new); False when none is due."""
    now = timezone.now()
    sub = (Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True,
                                       digest_due_at__lte=now).select_related("park", "enterprise")
           .order_by("digest_due_at", "id").first())
    if sub is None:
        return False
    claimed = Subscription.objects.filter(pk=sub.pk, digest_due_at=sub.digest_due_at).update(
        digest_due_at=now + DIGEST_EVERY)
    if not claimed:
        return True  # another worker took it; look for the next one
    since = sub.sent_until or sub.confirmed_at or now
    lines = new_items(sub, since, now)
    if lines:
        body = _("New on the public disclosure portal about %(topic)s:") % {"topic": _topic(sub)} + "\n\n"
        EmailMessage(_("Public portal: %(count)d new items about %(topic)s") % {"count": len(lines),
                                                                                "topic": _topic(sub)},
                     body + "\n\n".join(lines) + _footer(sub), settings.DEFAULT_FROM_EMAIL, [sub.email]).send()
    Subscription.objects.filter(pk=sub.pk).update(sent_until=now)
    return True
