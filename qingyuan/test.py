"""Personas for tests: a small park with the people every access rule is about.

    regulator   office staff: sees and manages the whole park
    leader      leading group: sees and manages the whole park
    officer     unit officer of the environmental bureau, linked unit of enterprise A
    township    unit officer of a township, linked to nothing here
    ent_a       user of enterprise A
    ent_b       user of enterprise B
    inspector   inspector: reads the park
    supervisor  supervision-group member: reads the park, changes nothing
    outsider    staff of another park: sees nothing here
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth import get_user_model

from qingyuan.enterprises.creditcode import make
from qingyuan.enterprises.models import Enterprise, EnterpriseAccount, MonitoringPoint, Outlet
from qingyuan.org.choices import Role, UnitKind
from qingyuan.org.models import Membership, Park, Person, Unit

PASSWORD = "persona-pass-1"


@dataclass
class World:
    park: Park
    other_park: Park
    office: Unit
    bureau: Unit
    township_unit: Unit
    enterprise_a: Enterprise
    enterprise_b: Enterprise
    point_a: MonitoringPoint
    point_b: MonitoringPoint
    regulator: Any
    leader: Any
    officer: Any
    township: Any
    ent_a: Any
    ent_b: Any
    inspector: Any
    supervisor: Any
    outsider: Any

T = TypeVar("T")


def make_user(username: str, park: Park, role: str, unit: Unit | None = None, *, name: str = "") -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    Person.objects.create(user=user, name=name or username)
    Membership.objects.create(user=user, park=park, unit=unit, role=role)
    return user


def make_enterprise(park: Park, name: str, serial: int, **fields: Any) -> Enterprise:
    defaults: dict[str, Any] = {
        "legal_representative": "张三", "industry": "C26", "address": "园区一路1号", "risk_class": "major",
    }
    defaults.update(fields)
    return Enterprise.objects.create(park=park, name=name, credit_code=make(f"91361123TQXT{serial:05d}"), **defaults)


def make_point(enterprise: Enterprise, mn: str, *, medium: str = "water", password: str = "123456") -> MonitoringPoint:
    outlet = Outlet.objects.create(enterprise=enterprise, medium=medium, code=f"D{medium[0].upper()}001", name="总排口")
    return MonitoringPoint.objects.create(park=enterprise.park, outlet=outlet, name=f"{enterprise.name}总排口", mn=mn,
                                          password=password, st="32" if medium == "water" else "31")


def make_world() -> World:
    park = Park.objects.create(name="测试园区", code="test-park", county="测试县")
    other = Park.objects.create(name="另一园区", code="other-park", county="邻县")
    lead = Unit.objects.create(park=park, kind=UnitKind.LEADING_GROUP, name="领导小组")
    office = Unit.objects.create(park=park, kind=UnitKind.OFFICE, name="园区整治办", parent=lead)
    bureau = Unit.objects.create(park=park, kind=UnitKind.DEPARTMENT, name="县环保局")
    town = Unit.objects.create(park=park, kind=UnitKind.TOWNSHIP, name="临江镇")
    other_office = Unit.objects.create(park=other, kind=UnitKind.OFFICE, name="邻县整治办")
    officer = make_user("officer", park, Role.UNIT_OFFICER, bureau, name="环保局联络员")
    a = make_enterprise(park, "甲化工有限公司", 1, linked_unit=bureau, linked_officer=officer)
    b = make_enterprise(park, "乙化工有限公司", 2, linked_unit=town, status_since=dt.date(2024, 1, 1))
    ent_a = make_user("ent_a", park, Role.ENTERPRISE_USER, name="甲企业环保员")
    ent_b = make_user("ent_b", park, Role.ENTERPRISE_USER, name="乙企业环保员")
    EnterpriseAccount.objects.create(enterprise=a, user=ent_a)
    EnterpriseAccount.objects.create(enterprise=b, user=ent_b)
    return World(
        park=park, other_park=other, office=office, bureau=bureau, township_unit=town,
        enterprise_a=a, enterprise_b=b,
        point_a=make_point(a, "AAAA0000000000000000000A"), point_b=make_point(b, "BBBB0000000000000000000B"),
        regulator=make_user("regulator", park, Role.OFFICE_STAFF, office, name="整治办干部"),
        leader=make_user("leader", park, Role.LEADER, lead, name="县领导"),
        officer=officer,
        township=make_user("township", park, Role.UNIT_OFFICER, town, name="镇联络员"),
        ent_a=ent_a, ent_b=ent_b,
        inspector=make_user("inspector", park, Role.INSPECTOR, name="巡查员"),
        supervisor=make_user("supervisor", park, Role.SUPERVISOR, name="监督员"),
        outsider=make_user("outsider", other, Role.OFFICE_STAFF, other_office, name="邻县干部"),
    )


def browser_login(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    """Log ``username`` in through the login form of the live server at ``base`` (Playwright ``page``)."""
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression until it is truthy.

    Playwright's ``wait_for_function`` compiles its predicate inside the page, which the
    Content-Security-Policy (no 'unsafe-eval') refuses once it has to poll; ``page.evaluate``
    runs through the DevTools protocol, which the policy does not govern.
    """
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        page.wait_for_timeout(100)


@contextmanager
def rolled_back_county(django_db_blocker: Any, seed: Callable[[], T], **settings: Any) -> Iterator[T]:
    """Seed a county once for a test module inside a transaction that is rolled back at the end.

    On PostgreSQL the seed is then settled: its deferred foreign-key checks fire once here (each
    test's savepoint rollback would otherwise re-arm all of them for every test's constraint check)
    and the tables are analysed (the rows are uncommitted, so autovacuum never sees them and the
    planner would scan a year of values for a one-row ``exists``).
    """
    from django.db import connection, transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], **settings):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            value = seed()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                    cursor.execute("ANALYZE")
            yield value
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
