"""``core.bulk.create_under``: children of one parent action and that action's one audit entry, together or not
at all; ``bulk.create`` with a per-row ``related`` and a given ``time``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from qingyuan.core import bulk
from qingyuan.core.models import AuditEntry
from qingyuan.sections.models import Sample, SampleValue, Section


@pytest.fixture
def sample(world):
    section = Section.objects.create(park=world.park, name="出境断面", kind="outbound", river="青溪河",
                                     target_class="III")
    return Sample.objects.create(section=section, date=dt.date(2026, 11, 2), entered_by_name="整治办干部")


def test_it_creates_the_children_and_one_entry_on_the_parent_listing_them(world, sample):
    values = [SampleValue(sample=sample, parameter=code, value=v, unit="mg/L", value_std=v)
              for code, v in (("w01018", 18.0), ("w21003", 0.8))]
    made = bulk.create_under(sample, values, action="section.sample", acting_user=world.regulator,
                             related=sample.section, after=lambda rows: {"values": sorted(r.parameter for r in rows)})
    assert [m.pk is not None for m in made] == [True, True]
    assert sorted(SampleValue.objects.filter(sample=sample).values_list("parameter", flat=True)) == [
        "w01018", "w21003"]
    entry = AuditEntry.objects.get(action="section.sample")
    assert (entry.object_id, entry.related_id) == (str(sample.pk), str(sample.section.pk))
    assert entry.after == {"values": ["w01018", "w21003"]} and entry.user == world.regulator


def test_it_lists_the_children_keys_by_default_and_writes_the_entry_with_no_children(world, sample):
    made = bulk.create_under(sample, [SampleValue(sample=sample, parameter="w01018", value=1, unit="mg/L", value_std=1)],
                             action="x.under", acting_user=world.regulator)
    assert AuditEntry.objects.get(action="x.under").after == {"created": [made[0].pk]}
    assert bulk.create_under(sample, [], action="x.none", acting_user=world.regulator, after={"n": 0}) == []
    assert AuditEntry.objects.get(action="x.none").after == {"n": 0}


def test_it_writes_neither_children_nor_entry_when_the_write_fails(world, sample):
    twice = [SampleValue(sample=sample, parameter="w01018", value=1, unit="mg/L", value_std=1) for _ in range(2)]
    with pytest.raises(IntegrityError):
        bulk.create_under(sample, twice, action="x.fails", acting_user=world.regulator)
    assert not SampleValue.objects.filter(sample=sample).exists()
    assert not AuditEntry.objects.filter(action="x.fails").exists()


def test_create_dates_its_entries_and_relates_each_row_to_its_own_parent(world, sample):
    other = Sample.objects.create(section=sample.section, date=dt.date(2026, 11, 3))
    when = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    rows = [SampleValue(sample=s, parameter="w01018", value=1, unit="mg/L", value_std=1) for s in (sample, other)]
    bulk.create(rows, action="x.dated", acting_user=world.regulator, time=when, related=lambda r: r.sample,
                after={"n": 1})
    entries = AuditEntry.objects.filter(action="x.dated").order_by("id")
    assert [e.related_id for e in entries] == [str(sample.pk), str(other.pk)]
    assert {e.time for e in entries} == {when}
