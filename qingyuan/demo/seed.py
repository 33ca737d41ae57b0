"""Build the demo county through the same actions the application uses (so it is audited).

Idempotent: every object is looked up by its natural key first; running it twice
changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from qingyuan.alarms import demo as alarms_demo
from qingyuan.alarms import history as alarm_history
from qingyuan.assessment import demo as assessment_demo
from qingyuan.briefings import demo as briefings_demo
from qingyuan.closures import demo as closures_demo
from qingyuan.compensation import demo as compensation_demo
from qingyuan.complaints import demo as complaints_demo
from qingyuan.demo import data, history, story
from qingyuan.enterprises import actions as ent_actions
from qingyuan.enterprises.creditcode import ALPHABET, make
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount, MonitoringPoint, Outlet, Permit
from qingyuan.inspections import actions as inspection_actions
from qingyuan.inspections import demo as inspections_demo
from qingyuan.loads import demo as loads_demo
from qingyuan.meetings import demo as meetings_demo
from qingyuan.org.choices import Role, UnitKind
from qingyuan.org.models import Membership, Park, Person, Unit
from qingyuan.plans import demo as plans_demo
from qingyuan.portal import demo as portal_demo
from qingyuan.quality import demo as quality_demo
from qingyuan.quality import ytd
from qingyuan.sections import demo as sections_demo
from qingyuan.standards import discharge_limit
from qingyuan.supervision import demo as supervision_demo
from qingyuan.surveys import demo as surveys_demo
from qingyuan.tasks import demo as tasks_demo
from qingyuan.tasks import escalation

User = get_user_model()

WATER_PERMIT = ("GB 31571-2015", "indirect", ["w01018", "w21003", "w21011", "w21001"])
PLANT_PERMIT = ("GB 18918-2002", "1A", ["w01018", "w21003", "w21011", "w21001"])
BOILER_PERMIT = ("GB 13271-2014", "in_use-coal", ["a21026", "a21002", "a34013"])
PROCESS_PERMIT = ("GB 16297-1996", "new", ["a21026", "a21002", "a34013"])
PARK_BOUNDARY = {"type": "Polygon", "coordinates": [[
    [116.3965, 27.8180], [116.4180, 27.8160], [116.4335, 27.8215], [116.4345, 27.8465], [116.4210, 27.8535],
    [116.3990, 27.8525], [116.3955, 27.8360], [116.3965, 27.8180]]]}


def _is_plant(industry: str, name: str) -> bool:
    """The park's wastewater treatment plant (临江县域污水处理有限公司)."""
    return industry == "N77" and "污水" in name


def credit_code(rng: random.Random, index: int) -> str:
    org = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    return make(f"91{data.AREA_CODE}{org}{index % 10}")


class Seeder:
    def __init__(self, log: Any = print) -> None:
        self.rng = random.Random(2026)
        self.log = log
        self.units: dict[str, Unit] = {}
        self.story = story.calendar()

    @transaction.atomic
    def run(self) -> None:
        self.park = self._park()
        self._units()
        self.users = {u[0]: self._account(*u) for u in data.ACCOUNTS}
        self._enterprises()
        self._enterprise_accounts()
        self._water_station()
        plans_demo.seed(self)
        tasks_demo.seed(self)
        inspections_demo.seed(self)
        alarms_demo.seed(self)
        complaints_demo.seed(self)
        loads_demo.seed(self)
        sections_demo.seed(self)
        quality_demo.seed(self)  # calibrations and comparisons: the history writes their out-of-control hours invalid
        self._history()
        closures_demo.seed(self)
        compensation_demo.seed(self)
        meetings_demo.seed(self)
        supervision_demo.seed(self)
        surveys_demo.seed(self)
        portal_demo.seed(self)
        assessment_demo.seed(self)
        briefings_demo.seed(self)

    def _history(self) -> None:
        """A year of values (``history``), then the rebound watch over it (the story's rebound case)."""
        closed = {n: d for n in story.CLOSURES if (d := self.story.closure(n))}
        accepted = {n: d for n in story.ACCEPTED if (d := self.story.accepted(n))}
        written = history.seed(self.park, self.story, accepted=accepted, closed=closed)
        if written:
            self.log("history: " + ", ".join(f"{v} {k} values" for k, v in written.items()))
        # The history writes months in bulk, past quality's listeners: their year rows follow here, so the
        # cockpit reads the year rows instead of falling back to the months.
        ytd.rebuild(range(self.story.start.year, self.story.today.year + 1))
        alarms = alarm_history.seed(self)  # the alarms those values raised, handled through the year
        if alarms:
            self.log("alarm history: {alarms} alarms in {episodes} episodes, {open} still open".format(**alarms))
        loads_demo.rebound(self)
        # Settle what the later steps changed, so a second run finds nothing to do: patrol intervals
        # follow the rebound flag and the alarms; complaints' assignments escalate like the others.
        inspection_actions.do_refresh_plans(park=self.park)
        while escalation.handle_one_escalation():
            pass

    def _park(self) -> Park:
        park, _ = Park.objects.get_or_create(code=data.PARK["code"], defaults=data.PARK)
        if not park.boundary:  # the park's outline on the complaint and patrol maps
            park.boundary = PARK_BOUNDARY
            Park.objects.filter(pk=park.pk).update(boundary=PARK_BOUNDARY)
        return park

    def _unit(self, name: str, short: str, kind: str, order: int, parent: Unit | None = None, duty: str = "") -> Unit:
        unit, _ = Unit.objects.get_or_create(
            park=self.park, name=name,
            defaults={"short_name": short, "kind": kind, "sort_order": order, "parent": parent, "duty": duty})
        self.units[short or name] = unit
        return unit

    def _units(self) -> None:
        lead = self._unit(*data.LEADING_GROUP, UnitKind.LEADING_GROUP, 1,
                          duty="统筹领导化工园区污染整治，研究决定重大事项。")
        name, short, duty = data.OFFICE
        self._unit(name, short, UnitKind.OFFICE, 2, lead, duty)
        for i, (name, duty) in enumerate(data.TASK_GROUPS):
            self._unit(name, name, UnitKind.TASK_GROUP, 10 + i, lead, duty)
        for i, (name, short, duty) in enumerate(data.DEPARTMENTS):
            self._unit(name, short, UnitKind.DEPARTMENT, 20 + i, None, duty)
        for i, (name, duty) in enumerate(data.TOWNSHIPS):
            self._unit(f"青溪县{name}人民政府", name, UnitKind.TOWNSHIP, 40 + i, None, duty)

    def _account(self, username: str, name: str, position: str, role: str, unit_short: str | None) -> Any:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=data.PASSWORD,
                                            is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
            Person.objects.create(user=user, name=name, position=position,
                                  phone=f"1390797{self.rng.randrange(1000, 9999)}")
        unit = self.units.get(unit_short) if unit_short else None
        Membership.objects.get_or_create(user=user, park=self.park, unit=unit, role=role)
        return user

    def _enterprises(self) -> None:
        office = self.users["office"]
        # The treatment plant first: the other enterprises' wastewater outlets discharge into it.
        rows = sorted(enumerate(data.ENTERPRISES, start=1), key=lambda r: not _is_plant(r[1][2], r[1][0]))
        for index, row in rows:
            name, rep, industry, risk, status, unit_short, gas_outlets = row
            enterprise = Enterprise.objects.filter(name=name).first()
            if enterprise is not None:
                continue
            lon = Decimal("116.400000") + Decimal(self.rng.randrange(0, 30000)) / Decimal(1_000_000)
            lat = Decimal("27.820000") + Decimal(self.rng.randrange(0, 30000)) / Decimal(1_000_000)
            unit = self.units[unit_short]
            enterprise = ent_actions.do_create_enterprise(
                acting_user=office, park=self.park, name=name, credit_code=credit_code(self.rng, index),
                legal_representative=rep, industry=industry, address=f"青溪县化工园区{['纬一路', '纬二路', '经三路', '滨江大道'][index % 4]}{index * 8}号",
                longitude=lon, latitude=lat, risk_class=risk, linked_unit=unit,
                linked_officer=self.users["epb"] if unit_short == "县环保局" else (
                    self.users["township"] if unit_short == "临江镇" else None),
                contact_phone=f"0797-83{self.rng.randrange(10000, 99999)}")
            self._outlets_points_permit(enterprise, index, gas_outlets, lon, lat)
            self._status(enterprise, status, office, index)
        self.log(f"enterprises: {Enterprise.objects.filter(park=self.park).count()}")

    def _outlets_points_permit(self, e: Enterprise, index: int, gas_outlets: int, lon: Decimal, lat: Decimal) -> None:
        office = self.users["office"]
        is_plant = _is_plant(e.industry, e.name)
        # The plant's effluent goes to the river (direct); everyone else's wastewater goes to the plant
        # (indirect, GB 31571-2015 "indirect" permits), so the park counts each kilogram once.
        route = {"route": "direct"} if is_plant else {"route": "indirect", "receiving_plant": self._plant()}
        water = ent_actions.do_create_outlet(
            e, acting_user=office, medium="water", code="DW001", name="总排口" if not is_plant else "污水处理厂出水口",
            receiving="青溪河" if is_plant else "园区污水处理厂", standard=(PLANT_PERMIT if is_plant else WATER_PERMIT)[0],
            longitude=lon, latitude=lat, **route)
        outlets = [water]
        for g in range(1, gas_outlets + 1):
            boiler = e.industry == "D44" or g == 2
            outlets.append(ent_actions.do_create_outlet(
                e, acting_user=office, medium="gas", code=f"DA{g:03d}", name="锅炉烟囱" if boiler else "工艺废气排气筒",
                receiving="大气", standard=(BOILER_PERMIT if boiler else PROCESS_PERMIT)[0],
                longitude=lon + Decimal("0.000300") * g, latitude=lat))
        for n, outlet in enumerate(outlets):
            old_device = index % 9 == 0 and n == 0
            mn = f"{data.AREA_CODE}{index:04d}{n:02d}" + ("" if old_device else f"A8{index:06d}{n:06d}")
            ent_actions.do_create_point(
                acting_user=office, park=self.park, outlet=outlet, name=f"{e.name[:8]}{outlet.name}", mn=mn[:24],
                password=f"{self.rng.randrange(100000, 999999)}", protocol_version="2005" if old_device else "2017",
                st="32" if outlet.medium == "water" else "31", rtd_interval_s=60 if outlet.medium == "water" else 30,
                min_interval_min=10, sends_hourly=True, sends_daily=True,
                measuring_cycle_min=quality_demo.CYCLE_MIN if (
                    e.name == quality_demo.CYCLED_ENTERPRISE and outlet.medium == "water") else None)
            if is_plant:
                ent_actions.do_create_point(
                    acting_user=office, park=self.park, outlet=outlet, name="园区污水处理厂进水口", mn=f"{mn[:20]}9999",
                    password=f"{self.rng.randrange(100000, 999999)}", st="32", rtd_interval_s=60, min_interval_min=10)
        self._permit(e, outlets, index, is_plant)

    def _plant(self) -> Enterprise:
        return next(e for e in Enterprise.objects.filter(park=self.park, industry="N77").order_by("pk")
                    if _is_plant(e.industry, e.name))

    def _permit(self, e: Enterprise, outlets: list[Outlet], index: int, is_plant: bool) -> None:
        limits = []
        for outlet in outlets:
            if outlet.medium == "water":
                code, category, pollutants = PLANT_PERMIT if is_plant else WATER_PERMIT
                # m³/d: a chemical plant sends 80–500 m³/d to the plant; the plant treats 18,000 m³/d.
                flow = 18000 if is_plant else self.rng.randrange(80, 500)
                volume = Decimal(flow * 330)  # m3/a
            else:
                code, category, pollutants = BOILER_PERMIT if "锅炉" in outlet.name else PROCESS_PERMIT
                # m³/h: process exhaust 2,000–6,000; a 10 t/h boiler about 15,000; the power plant's 60,000+.
                hourly = (self.rng.randrange(60, 75) if e.industry == "D44" else
                          self.rng.randrange(6, 20) if "锅炉" in outlet.name else self.rng.randrange(2, 6)) * 1000
                volume = Decimal(hourly * 24 * 330)  # m3/a
            for pollutant in pollutants:
                lim = discharge_limit(code, pollutant, category=category)
                if lim is None or lim.value is None:
                    continue
                value = Decimal(str(lim.value))
                # mg/L × m³ = g (÷10⁶ → t); mg/m³ × m³ = mg (÷10⁹ → t); discharge at 60 % of the limit.
                per_tonne = Decimal(10**6) if outlet.medium == "water" else Decimal(10**9)
                annual = (value * volume * Decimal("0.6") / per_tonne).quantize(Decimal("0.0001"))
                limits.append({"outlet": outlet, "pollutant_code": pollutant, "concentration_limit": value,
                               "unit": lim.unit, "standard_ref": f"{code} {lim.table} {category}",
                               "annual_load_t": annual})
        ent_actions.do_create_permit(
            e, acting_user=self.users["epb"], limits=limits, number=f"{e.credit_code}001P",
            management_class="key" if e.risk_class != "general" else "simplified",
            issuer="青溪县环境保护局", valid_from=dt.date(2023, 7, 1) + dt.timedelta(days=index),
            valid_to=dt.date(2028, 6, 30) + dt.timedelta(days=index))

    def _status(self, e: Enterprise, status: str, office: Any, index: int) -> None:
        """Walk the lifecycle at the story's dates: acceptances through the year (``story``), the others in
        2025. Closures, relocations and conversions go through their cases (``closures.demo.walk``): the
        enterprise's status follows the verified steps. Each audit entry and transition record carries its date."""
        if status in closures_demo.KIND_OF:
            closures_demo.walk(self, e, status, index)
            return
        day = dt.date(2025, 3, 1) + dt.timedelta(days=index * 7)
        dates = {"finish_rectification": self.story.accepted(e.name)}
        for step, (name, reason) in enumerate(data.STATUS_PATH[status]):
            when = dates.get(name) or day + dt.timedelta(days=120 * step)
            with story.backdated(story.moment(when, 9 + index % 8, index % 60)):
                ent_actions.do_transition_enterprise(e, name, acting_user=office, reason=reason, effective_date=when)

    def _enterprise_accounts(self) -> None:
        for username, enterprise_name in data.ENTERPRISE_OF.items():
            enterprise = Enterprise.objects.get(name=enterprise_name)
            if not EnterpriseAccount.objects.filter(enterprise=enterprise, user=self.users[username]).exists():
                ent_actions.do_add_account(enterprise, self.users[username], acting_user=self.users["office"])

    def _water_station(self) -> None:
        if MonitoringPoint.objects.filter(mn="361123QXHCJDM00000000001").exists():
            return
        ent_actions.do_create_point(
            acting_user=self.users["epb"], park=self.park, outlet=None, name="青溪河出境断面水质自动站",
            mn="361123QXHCJDM00000000001", password="512212", st="21", rtd_interval_s=300, min_interval_min=30)


def summary() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "outlets": Outlet.objects.count(),
        "points": MonitoringPoint.objects.count(),
        "permits": Permit.objects.count(),
        "units": Unit.objects.count(),
        "accounts": Membership.objects.values("user").distinct().count(),
    }
