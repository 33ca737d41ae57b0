"""Atom feeds: a park's notices, and one enterprise's exceedances and notices (django.contrib.syndication)."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from qingyuan.core.templatetags.units import unit_label
from qingyuan.portal import rules
from qingyuan.portal.views import LICENCE, park_by_code, public_enterprise


def _notice_item(n: dict[str, Any]) -> dict[str, Any]:
    title = f"[{n['kind_label']}] {n['title']}"
    body = n["body"]
    if n["withdrawn"]:
        title = _("[Withdrawn] %(title)s") % {"title": title}
        body = _("Withdrawn on %(date)s: %(reason)s") % {
            "date": n["withdrawn_at"].date().isoformat() if n["withdrawn_at"] else "", "reason": n["withdraw_reason"]
        } + "\n\n" + body
    return {"title": title, "description": body, "link": reverse("portal:notice", args=[n["id"]]),
            "pubdate": n["published_at"], "updateddate": n["withdrawn_at"] or n["published_at"],
            "guid": f"notice-{n['id']}"}


def _exceedance_item(x: dict[str, Any]) -> dict[str, Any]:
    unit = unit_label(x["unit"])
    title = _("Exceedance: %(name)s at %(point)s") % {"name": x["name"], "point": x["point"]}
    lines = [_("Peak %(peak)s %(unit)s against a limit of %(limit)s %(unit)s.") % {
        "peak": f"{x['peak']:.4g}" if x["peak"] is not None else "-", "unit": unit,
        "limit": f"{x['limit']:.4g}" if x["limit"] is not None else "-"},
        _("Status: %(status)s.") % {"status": x["status"]}]
    if x["explanation"]:
        lines.append(_("Explanation: %(kind)s.") % {"kind": x["explanation"]})
    if x["verdict"]:
        lines.append(_("Regulator's verdict: %(verdict)s.") % {"verdict": x["verdict"]})
    return {"title": title, "description": " ".join(lines),
            "link": reverse("portal:enterprise", args=[x["enterprise_id"]]) + f"#exceedance-{x['id']}",
            "pubdate": x["published"] or x["start"], "updateddate": x["closed_at"] or x["published"] or x["start"],
            "guid": f"exceedance-{x['id']}"}


class _Base(Feed):
    feed_type = Atom1Feed

    def feed_copyright(self) -> str:
        return LICENCE

    def item_title(self, item: dict[str, Any]) -> str:
        return item["title"]

    def item_description(self, item: dict[str, Any]) -> str:
        return item["description"]

    def item_link(self, item: dict[str, Any]) -> str:
        return item["link"]

    def item_pubdate(self, item: dict[str, Any]) -> Any:
        return item["pubdate"]

    def item_updateddate(self, item: dict[str, Any]) -> Any:
        return item["updateddate"]

    def item_guid(self, item: dict[str, Any]) -> str:
        return item["guid"]

    item_guid_is_permalink = False


class NoticeFeed(_Base):
    def get_object(self, request: Any, park_code: str) -> Any:
        return park_by_code(park_code)

    def title(self, park: Any) -> str:
        return _("%(park)s: notices") % {"park": park.name}

    def link(self, park: Any) -> str:
        return reverse("portal:notices", args=[park.code])

    def items(self, park: Any) -> list[dict[str, Any]]:
        return [_notice_item(n) for n in rules.notices(park, limit=50)]


class EnterpriseFeed(_Base):
    def get_object(self, request: Any, pk: int) -> Any:
        return public_enterprise(pk)

    def title(self, e: Any) -> str:
        return _("%(name)s: exceedances and notices") % {"name": e.name}

    def link(self, e: Any) -> str:
        return reverse("portal:enterprise", args=[e.pk])

    def items(self, e: Any) -> list[dict[str, Any]]:
        items = [_notice_item(n) for n in rules.notices(e.park, enterprise=e, limit=30)]
        items += [_exceedance_item(x) for x in rules.exceedances(e.park, e, limit=30)]
        return sorted(items, key=lambda i: i["updateddate"], reverse=True)
