"""One home for pollutant names: core.pollutants and its template filters; audit entries read the name too."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from qingyuan.core.audit_display import value_label
from qingyuan.loads.models import BaselineLoad, LedgerEntry
from qingyuan.plans.models import pollutant_name as plans_name
from qingyuan.quality.services import parameter_label


def test_it_names_a_pollutant_with_its_code_as_a_hint():
    html = Template("{% load pollutants %}{{ 'w01018'|pollutant }}|{{ 'w01018'|pollutant_name }}|{{ 'zz999'|pollutant }}").render(Context())
    assert html == ('化学需氧量 <span class="text-muted small font-monospace">w01018</span>|化学需氧量|'
                    '<span class="font-monospace">zz999</span>')


def test_it_gives_every_lookup_the_same_name():
    assert plans_name("a21026") == parameter_label("a21026") == "二氧化硫"
    with translation.override("en"):
        assert plans_name("a21026") == parameter_label("a21026") == "Sulfur dioxide"


def test_it_shows_a_pollutant_code_in_an_audit_entry_by_name():
    field = BaselineLoad._meta.get_field("pollutant_code")
    assert value_label(field, "w21003", {}) == "氨氮 (w21003)"


def test_it_writes_load_rows_by_pollutant_name_and_kind_label():
    entry = LedgerEntry(date="2026-03-06", kind="reduction", pollutant_code="a21002", delta_t=-6.79)
    assert "a21002" not in str(entry) and "reduction" not in str(entry)
    assert "氮氧化物" in str(entry)


def test_it_reads_a_standard_reference_by_its_category_names():
    html = Template("{% load standards %}{{ a|standard_ref }}|{{ b|standard_ref }}|{{ c|standard_ref }}").render(
        Context({"a": "GB 13271-2014 表1 in_use-coal", "b": "GB 16297-1996 表2 new", "c": "企业自定"}))
    assert html == "GB 13271-2014 表1 在用锅炉·燃煤|GB 16297-1996 表2 新污染源|企业自定"
