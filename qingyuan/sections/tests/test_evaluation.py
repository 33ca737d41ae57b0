"""GB 3838-2002 classes on the boundaries, the worst item, monthly and yearly compliance rates."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.sections import evaluation
from qingyuan.sections.actions import do_record_sample
from qingyuan.sections.models import Section
from qingyuan.sections.services import summarise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("values", "cls", "ok"), [
    ({"codcr": 20.0}, "III", True),        # exactly the class III limit: compliant
    ({"codcr": 20.01}, "IV", False),       # just above: class IV
    ({"nh3n": 1.0}, "III", True),
    ({"nh3n": 1.0001}, "IV", False),
    ({"tp": 0.2}, "III", True),
    ({"tp": 0.41}, "V+", False),           # 劣Ⅴ
    ({"do": 5.0}, "III", True),            # DO is "at least": exactly 5 meets III
    ({"do": 4.99}, "IV", False),
    ({"ph": 9.0}, "I", True),              # pH 6–9 for every class
    ({"ph": 9.01}, "V+", False),
    ({"codcr": 15.0, "nh3n": 1.2, "do": 7.6}, "IV", False),  # the worst item (NH3-N) sets the class
])
def test_it_classes_a_section_on_the_gb3838_boundaries(values, cls, ok):
    section = Section(name="s", kind="outbound", river="r", target_class="III")
    result = evaluation.evaluate(values, section)
    assert result.cls == cls
    assert evaluation.meets(result.cls, "III") is ok


def test_it_names_the_worst_items_and_leaves_coliforms_out_of_the_class():
    section = Section(name="s", kind="outbound", river="r", target_class="III")
    result = evaluation.evaluate({"codcr": 25.0, "nh3n": 1.3, "do": 8.0, "fecal_coliform": 50000.0}, section)
    assert (result.cls, result.worst_params) == ("IV", ("codcr", "nh3n"))
    assert result.per_param["fecal_coliform"] == "V+"


def _sample(section, world, day, **values):
    return do_record_sample(section, acting_user=world.regulator, date=day,
                            values=[(k, v, "") for k, v in values.items()])


def test_it_computes_monthly_and_yearly_compliance_rates(world, outbound):
    _sample(outbound, world, dt.date(2025, 1, 6), codcr=18.0, nh3n=0.8)   # III: compliant
    _sample(outbound, world, dt.date(2025, 1, 20), codcr=26.0, nh3n=0.6)  # IV (COD)
    _sample(outbound, world, dt.date(2025, 2, 10), codcr=16.0, nh3n=0.4)  # III
    _sample(outbound, world, dt.date(2025, 3, 10), codcr=32.0, nh3n=1.6)  # V
    _sample(outbound, world, dt.date(2026, 2, 10), codcr=12.0, nh3n=0.3)  # II

    s = summarise(outbound, months=24)

    jan, feb, mar, feb26 = s.months
    assert (jan.means, jan.result.cls, jan.compliant) == ({"codcr": 22.0, "nh3n": 0.7}, "IV", False)
    assert (jan.n, jan.n_compliant, jan.rate) == (2, 1, 0.5)  # one of two samples met III
    assert (feb.result.cls, feb.compliant, feb.rate) == ("III", True, 1.0)
    assert (mar.result.cls, mar.compliant) == ("V", False)
    assert feb26.result.cls == "II"
    y2025, y2026 = s.years
    assert (y2025.months, y2025.compliant_months, y2025.rate) == (3, 1, pytest.approx(1 / 3))
    assert y2025.observation_rate == pytest.approx(2 / 4)
    assert (y2026.rate, s.latest.day) == (1.0, dt.date(2026, 2, 10))


def test_it_reads_valid_station_days_of_a_linked_automatic_station(world, outbound):
    from qingyuan.enterprises.models import MonitoringPoint
    from qingyuan.loads.tests.helpers import daily

    station = MonitoringPoint.objects.create(park=world.park, name="出境断面水质自动站",
                                             mn="361123QXHCJDM00000000009", password="1", st="21")
    Section.objects.filter(pk=outbound.pk).update(point=station)
    outbound.refresh_from_db()
    daily(station, "w01018", dt.date(2026, 11, 2), kg=None, mean=19.0)
    daily(station, "w21003", dt.date(2026, 11, 2), kg=None, mean=1.2)
    daily(station, "w01018", dt.date(2026, 11, 3), kg=None, mean=40.0, valid=False)  # invalid day: ignored
    daily(station, "w20142", dt.date(2026, 11, 2), kg=None, mean=0.08, unit="ug/L")  # Hg in µg/L → mg/L

    obs = evaluation.observations(outbound, dt.date(2026, 11, 1), dt.date(2026, 11, 29))

    assert [o.day for o in obs] == [dt.date(2026, 11, 2)]
    assert obs[0].values == {"codcr": 19.0, "nh3n": 1.2, "hg": pytest.approx(0.00008)}
    assert (obs[0].source, obs[0].result.cls, obs[0].compliant) == ("station", "IV", False)
