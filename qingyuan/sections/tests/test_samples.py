"""The manual sample form: impossible values refused with a clear message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qingyuan.core.models import AuditEntry
from qingyuan.sections.actions import do_record_sample
from qingyuan.sections.models import Sample, SampleValue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("values", "field", "text"), [
    ([("ph", "15", "")], "value_ph", "pH must be between 0 and 14"),
    ([("ph", "-0.5", "")], "value_ph", "pH must be between 0 and 14"),
    ([("codcr", "-3", "mg/L")], "value_codcr", "cannot be negative"),
    ([("codcr", "18", "mg/m3")], "value_codcr", "does not fit"),
    ([("codcr", "abc", "mg/L")], "value_codcr", "Enter a number"),
    ([("nh3n", "0.5", ""), ("codcr", "nan", "")], "value_codcr", "Enter a number"),
    ([("codcr", "18", ""), ("ph", "15", "")], "value_ph", "between 0 and 14"),  # one bad value: nothing written
    ([], "values", "at least one value"),
])
def test_it_refuses_impossible_values_and_writes_nothing(world, outbound, values, field, text):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        do_record_sample(outbound, acting_user=world.regulator, date=dt.date(2026, 11, 2), values=values)
    assert text in " ".join(refused.value.message_dict[field])
    assert not Sample.objects.exists() and not SampleValue.objects.exists()
    assert not AuditEntry.objects.filter(action="section.sample").exists()


def test_it_stores_values_as_entered_and_in_the_gb3838_unit(world, outbound):
    sample = do_record_sample(outbound, acting_user=world.inspector, date=dt.date(2026, 11, 2), note="月度监测",
                              values=[("codcr", "18.5", "mg/L"), ("w20142", "0.08", "ug/L"), ("ph", "7.4", ""),
                                      ("do", "", "mg/L")])
    rows = {v.parameter: (v.value, v.unit, v.value_std) for v in sample.values.all()}
    assert rows == {"codcr": (18.5, "mg/L", 18.5), "hg": (0.08, "ug/L", pytest.approx(0.00008)),
                    "ph": (7.4, "dimensionless", 7.4)}
    assert sample.entered_by_name == "巡查员"
    assert AuditEntry.objects.get(action="section.sample").related_id == str(outbound.pk)


def test_it_refuses_a_second_sample_the_same_day_and_a_future_date(world, outbound):
    do_record_sample(outbound, acting_user=world.regulator, date=dt.date(2026, 11, 2), values=[("codcr", "18", "")])
    with pytest.raises(ValidationError) as twice:
        do_record_sample(outbound, acting_user=world.regulator, date=dt.date(2026, 11, 2), values=[("codcr", "9", "")])
    with pytest.raises(ValidationError) as future:
        do_record_sample(outbound, acting_user=world.regulator, date=dt.date(2026, 12, 1), values=[("codcr", "9", "")])
    assert "date" in twice.value.message_dict and "date" in future.value.message_dict
    assert Sample.objects.count() == 1


def test_it_lets_only_staff_enter_samples(world, outbound):
    for user in (world.ent_a, world.supervisor, world.outsider):
        with pytest.raises(PermissionDenied):
            do_record_sample(outbound, acting_user=user, date=dt.date(2026, 11, 2), values=[("codcr", "18", "")])
