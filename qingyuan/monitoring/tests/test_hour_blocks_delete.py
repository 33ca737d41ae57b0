"""Deleting hour readings never writes hour-block rows (migration 0009's triggers); a period that has a row is
still invalidated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qingyuan.monitoring.models import HourBlock, Reading
from qingyuan.test import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def _hours(point, n: int = 3) -> None:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=40)
    Reading.objects.bulk_create(Reading(point=point, kind="hour", time=start + dt.timedelta(hours=i),
                                        parameter="w01018", avg=10.0 + i) for i in range(n))


def test_it_writes_no_period_row_when_hour_readings_are_deleted():
    """A flush deletes every table in turn: deleting the readings after the period rows must not write new
    ones, which would point at points deleted in the same transaction (the browser tests' teardown failed)."""
    world = make_world()
    point = world.point_a
    _hours(point)
    HourBlock.objects.filter(point=point).delete()
    Reading.objects.filter(point=point).delete()
    assert not HourBlock.objects.filter(point=point).exists()
    point.delete()  # nothing refers to it any more


def test_it_bumps_an_existing_period_when_its_hour_readings_are_deleted():
    world = make_world()
    point = world.point_a
    _hours(point)
    before = HourBlock.objects.get(point=point).version
    Reading.objects.filter(point=point, kind="hour").delete()
    assert HourBlock.objects.get(point=point).version > before
