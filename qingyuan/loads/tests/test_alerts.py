"""Quota alerts (once per level and year, with a notification) and baselines seeded from the permit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from qingyuan.core.models import Notification
from qingyuan.loads import actions, services
from qingyuan.loads.models import BaselineLoad, LoadAlert
from qingyuan.loads.tests.helpers import daily, permit

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_raises_a_quota_alert_once_and_notifies_the_enterprise_and_its_linked_unit(park_world):
    w = park_world
    permit(w.enterprise_a, {"w01018": "4"}, outlet=w.point_a.outlet)
    for n in range(29):  # 1–29 Nov, 10 kg a day: 0.29 t; rate 0.01 t/d; projected 0.29 + 0.32 = 0.61 t
        daily(w.point_a, "w01018", dt.date(2026, 11, 1) + dt.timedelta(days=n), kg=10.0)
    assert services.raise_alerts(w.park.pk) == []  # 15 % of 4 t
    permit(w.enterprise_a, {"w01018": "0.7"}, outlet=w.point_a.outlet, valid_from=dt.date(2026, 11, 1))

    with transaction.atomic():
        raised = services.raise_alerts(w.park.pk)  # 0.61 / 0.7 = 87 %: warning
    again = services.raise_alerts(w.park.pk)

    assert [(a.pollutant_code, a.level, round(a.projected_t, 2)) for a in raised] == [("w01018", "warning", 0.61)]
    assert again == [] and LoadAlert.objects.count() == 1
    assert set(Notification.objects.filter(kind="loads.alert").values_list("recipient__username", flat=True)) == {
        "ent_a", "officer"}


def test_it_seeds_baselines_from_the_permit_once(park_world):
    w = park_world
    permit(w.enterprise_a, {"w01018": "3.5", "w21003": "0.4"}, outlet=w.point_a.outlet)
    permit(w.enterprise_a, {"w01018": "1"}, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2023, 12, 31))

    made = actions.do_seed_baselines(w.enterprise_a, 2024, acting_user=w.regulator)
    actions.do_seed_baselines(w.enterprise_a, 2024, acting_user=w.regulator)

    assert {(b.pollutant_code, b.load_t, b.source) for b in made} == {
        ("w01018", Decimal("3.5000"), "permit"), ("w21003", Decimal("0.4000"), "permit")}
    assert BaselineLoad.objects.count() == 2
