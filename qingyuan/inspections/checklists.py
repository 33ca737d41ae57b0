"""Patrol checklists: which items an inspector checks, by industry, media and lifecycle status.

A checklist is named by a key that encodes how it was composed, for example
``producing/chem/water+gas+online``: the enterprise produces, is a chemical plant,
has waste-water and waste-gas outlets and online monitoring. The items follow from
the key alone, so a patrol form filled offline is checked against the checklist it
was drawn from even if the enterprise changed meanwhile. Item keys are stored in
patrols: never rename or remove an item, add new ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    key: str
    label: Any
    hint: Any = ""


ITEMS: dict[str, Item] = {item.key: item for item in [
    Item("records", _("Environmental records and operating logs"),
         _("Treatment-facility logs, chemical dosing, monitoring and maintenance records are complete and current.")),
    Item("outlet_marking", _("Outlets standardised"),
         _("Outlets carry sign boards, have sampling points and flow meters; no hidden or temporary outlets.")),
    Item("emergency", _("Emergency preparedness"),
         _("Emergency plan filed, emergency pool empty and usable, response materials at hand.")),
    Item("ww_treatment", _("Waste-water treatment running"),
         _("Treatment units run as designed: dosing, aeration, sludge return; no bypass.")),
    Item("rain_sewage", _("Rain and sewage separated"),
         _("Rain drains carry no process water; initial rain-water is collected.")),
    Item("gas_treatment", _("Waste-gas treatment running"),
         _("Scrubbers, incinerators, filters run with their fans and dosing; no bypass.")),
    Item("vocs_capture", _("VOC capture"),
         _("Closed storage, loading and process vents; VOCs are captured at the source and treated.")),
    Item("online_monitoring", _("Online monitoring running and flagged correctly"),
         _("Analysers and data logger run, are calibrated and sealed; data flags match the plant's state; "
           "no tampering with sampling.")),
    Item("hazardous_waste", _("Hazardous waste storage"),
         _("Compliant store with labels, ledger and transfer manifests; nothing stored in the open.")),
    Item("tank_farm", _("Tank farm and raw-material storage"),
         _("Bunds intact and closed, no leaks or spills, vapour balance in use.")),
    Item("desulphurisation", _("Desulphurisation and denitrification"),
         _("Flue-gas desulphurisation and denitrification run; lime and ammonia consumption recorded.")),
    Item("coal_yard", _("Coal yard and ash covered"),
         _("Coal, slag and ash are enclosed or covered; no fugitive dust.")),
    Item("inflow_quality", _("Inflow from enterprises"),
         _("Inflow is monitored; enterprises discharging into the plant keep to their contract limits.")),
    Item("sludge", _("Sludge handling"),
         _("Sludge is dewatered, stored under cover and disposed of with transfer manifests.")),
    Item("production_stopped", _("Production stopped"),
         _("No work on the production lines, equipment cold, no raw materials delivered.")),
    Item("power_cut", _("Power and water cut off"),
         _("Power and water supply to production are cut off as ordered.")),
    Item("equipment_removed", _("Equipment removed or sealed"),
         _("Production equipment has been removed or sealed; seals intact.")),
    Item("no_discharge", _("No discharge or odour"),
         _("Outlets and rain drains are dry; no smell, smoke or dust on or around the site.")),
    Item("site_cleared", _("Chemicals and waste cleared"),
         _("Remaining chemicals and waste have been removed or are stored safely.")),
]}

INDUSTRY_GROUP = {
    "C25": "chem", "C26": "chem", "C27": "chem", "C28": "chem", "C29": "chem",
    "D44": "power", "N77": "treatment",
}
GROUP_TITLES = {
    "chem": _("chemical plant"), "power": _("power and heat plant"), "treatment": _("waste-water treatment plant"),
    "general": _("other industry"),
}
STATE_TITLES = {"producing": _("producing"), "suspended": _("suspended"), "dormant": _("closed or moved")}
FLAG_TITLES = {"water": _("waste water"), "gas": _("waste gas"), "online": _("online monitoring")}
DORMANT = frozenset({"closed", "relocated", "transformed"})
FLAGS = ("water", "gas", "online")


@dataclass(frozen=True)
class Checklist:
    key: str
    items: tuple[Item, ...]

    @property
    def title(self) -> str:
        state, group, flags = _parse(self.key)
        parts = [str(GROUP_TITLES[group]), str(STATE_TITLES[state])] + [str(FLAG_TITLES[f]) for f in flags]
        return " · ".join(parts)

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items]


def template_key(industry: str, status: str, media: Iterable[str], has_online: bool) -> str:
    state = "dormant" if status in DORMANT else "suspended" if status == "suspended" else "producing"
    group = INDUSTRY_GROUP.get(industry, "general")
    present = set(media) | ({"online"} if has_online else set())
    flags = "+".join(f for f in FLAGS if f in present) or "none"
    return f"{state}/{group}/{flags}"


def _parse(key: str) -> tuple[str, str, tuple[str, ...]]:
    try:
        state, group, flag_text = key.split("/")
    except ValueError:
        raise KeyError(key) from None
    flags = () if flag_text == "none" else tuple(flag_text.split("+"))
    if state not in STATE_TITLES or group not in GROUP_TITLES or any(f not in FLAGS for f in flags):
        raise KeyError(key)
    return state, group, flags


def _item_keys(state: str, group: str, flags: tuple[str, ...]) -> list[str]:
    water, gas, online = "water" in flags, "gas" in flags, "online" in flags
    if state == "dormant":
        return ["production_stopped", "power_cut", "equipment_removed", "no_discharge", "site_cleared"]
    keys = ["production_stopped", "no_discharge"] if state == "suspended" else []
    if state == "producing":
        keys += ["ww_treatment", "rain_sewage"] if water else []
        keys += ["gas_treatment"] if gas else []
        keys += ["vocs_capture"] if gas and group == "chem" else []
        keys += {"power": ["desulphurisation", "coal_yard"], "treatment": ["inflow_quality", "sludge"]}.get(group, [])
    keys += ["online_monitoring"] if online else []
    keys += ["hazardous_waste", "tank_farm"] if group == "chem" else ["hazardous_waste"]
    keys += ["outlet_marking", "records", "emergency"] if state == "producing" else ["records"]
    return keys


def checklist(key: str) -> Checklist:
    """The checklist named ``key``; raises KeyError for a key no template produces."""
    state, group, flags = _parse(key)
    return Checklist(key=key, items=tuple(ITEMS[k] for k in _item_keys(state, group, flags)))


def checklist_for(enterprise: Any) -> Checklist:
    """The checklist for an enterprise as it is now (its outlets' media and monitoring points)."""
    from qingyuan.enterprises.models import MonitoringPoint

    media = set(enterprise.outlets.filter(is_active=True).values_list("medium", flat=True))
    has_online = MonitoringPoint.objects.filter(outlet__enterprise=enterprise, is_active=True).exists()
    return checklist(template_key(enterprise.industry, enterprise.status, media, has_online))


def item_label(key: str) -> str:
    item = ITEMS.get(key)
    return str(item.label) if item else key
