"""The load ledger (closures, measures, projects) and the capacity check, with hand-computed numbers.

Park: A baseline COD 100 t/a, B baseline COD 60 and SO2 20 t/a (2024); the park plan targets
COD 1260 → 1134 (−10 %), so the cap is 160 × 0.9 = 144 and 16 t are kept for the target.
A's measure frees 9 t of COD; B closes and frees its 60 t COD and 20 t SO2.
COD available = (9 + 60) − 16 − 0 = 53 t/a; SO2 available = 20 t/a (no target).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qingyuan.core.models import AuditEntry
from qingyuan.enterprises.models import Enterprise
from qingyuan.loads import actions, ledger
from qingyuan.loads.choices import EntryKind, ProjectStatus
from qingyuan.loads.models import BaselineLoad, LedgerEntry
from qingyuan.plans.models import EnterprisePlan, LoadTarget, Measure, ParkPlan

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def account(park_world):
    w = park_world
    plan = ParkPlan.objects.create(park=w.park, title="实施方案", compiled_by="省环科院", status="approved",
                                   start_date=dt.date(2025, 1, 1), deadline=dt.date(2027, 12, 31))
    LoadTarget.objects.create(park_plan=plan, pollutant_code="w01018", baseline_t=D("1260"), target_t=D("1134"))
    BaselineLoad.objects.create(enterprise=w.enterprise_a, pollutant_code="w01018", year=2024, load_t=D("100"))
    BaselineLoad.objects.create(enterprise=w.enterprise_b, pollutant_code="w01018", year=2024, load_t=D("60"))
    BaselineLoad.objects.create(enterprise=w.enterprise_b, pollutant_code="a21026", year=2024, load_t=D("20"))
    ep = EnterprisePlan.objects.create(park_plan=plan, enterprise=w.enterprise_a, title="一厂一策",
                                       start_date=dt.date(2025, 3, 1), deadline=dt.date(2026, 9, 30),
                                       status="approved")
    Measure.objects.create(plan=ep, kind="wastewater", title="废水提标改造", deadline=dt.date(2026, 6, 30),
                           status="done", done_on=dt.date(2026, 5, 20), reductions={"w01018": "9"})
    Measure.objects.create(plan=ep, kind="voc", title="VOCs治理", deadline=dt.date(2026, 6, 30),
                           status="in_progress", reductions={"w01018": "50"})  # not done: frees nothing
    Enterprise.objects.filter(pk=w.enterprise_b.pk).update(status="closed", status_since=dt.date(2025, 6, 1))
    return w


def test_it_writes_ledger_entries_on_closure_and_done_measures_once(account):
    w = account
    assert ledger.sync_park(w.park.pk) == 3
    assert ledger.sync_park(w.park.pk) == 0  # idempotent

    rows = sorted(LedgerEntry.objects.values_list("kind", "enterprise_id", "pollutant_code", "delta_t", "date"))
    assert rows == [
        (EntryKind.CLOSURE, w.enterprise_b.pk, "a21026", D("-20.0000"), dt.date(2025, 6, 1)),
        (EntryKind.CLOSURE, w.enterprise_b.pk, "w01018", D("-60.0000"), dt.date(2025, 6, 1)),
        (EntryKind.REDUCTION, w.enterprise_a.pk, "w01018", D("-9.0000"), dt.date(2026, 5, 20)),
    ]
    assert AuditEntry.objects.filter(action="loads.ledger_entry").count() == 3
    closure = LedgerEntry.objects.get(kind=EntryKind.CLOSURE, pollutant_code="w01018")
    assert closure.source_url() == f"/enterprises/{w.enterprise_b.pk}/"


def test_it_frees_only_what_measures_did_not_already_free_on_closure(account):
    w = account
    ledger.sync_park(w.park.pk)  # A's measure: −9
    Enterprise.objects.filter(pk=w.enterprise_a.pk).update(status="relocated", status_since=dt.date(2026, 8, 1))

    ledger.sync_park(w.park.pk)

    entry = LedgerEntry.objects.get(kind=EntryKind.CLOSURE, enterprise=w.enterprise_a)
    assert (entry.delta_t, entry.date) == (D("-91.0000"), dt.date(2026, 8, 1))  # 100 − 9


def test_it_accounts_capacity_freed_reserved_and_available(account):
    ledger.sync_park(account.park.pk)

    cap = ledger.capacity(account.park.pk)

    cod, so2 = cap["w01018"], cap["a21026"]
    assert (cod.baseline, cod.cap, cod.reserved, cod.freed, cod.allocated) == (D("160"), D("144"), D("16"), D("69"), D("0"))
    assert cod.available == D("53")
    assert (so2.cap, so2.freed, so2.available) == (D("20"), D("20"), D("20"))
    assert cap["w21003"].available == D("0")


def test_it_answers_whether_a_project_fits_with_its_headroom(account):
    w = account
    ledger.sync_park(w.park.pk)
    fits = actions.do_propose_project(w.park, acting_user=w.regulator, name="新材料项目", applicant="某公司",
                                      loads={"w01018": "50", "a21026": "20"})
    exact = actions.do_propose_project(w.park, acting_user=w.regulator, name="刚好项目", applicant="某公司",
                                       loads={"w01018": "53"})
    short = actions.do_propose_project(w.park, acting_user=w.regulator, name="扩产项目", applicant="某公司",
                                       loads={"w01018": "60", "w21003": "1"})

    assert ledger.fits(fits) == (True, {"a21026": D("0"), "w01018": D("3")})
    assert ledger.fits(exact) == (True, {"w01018": D("0")})  # exactly the free capacity fits
    assert ledger.fits(short) == (False, {"w01018": D("-7"), "w21003": D("-1")})


def test_it_approves_a_fitting_project_into_the_ledger_and_refuses_one_that_does_not_fit(account):
    w = account
    ledger.sync_park(w.park.pk)
    first = actions.do_propose_project(w.park, acting_user=w.regulator, name="新材料项目", applicant="某公司",
                                       loads={"w01018": "50"})
    second = actions.do_propose_project(w.park, acting_user=w.regulator, name="扩产项目", applicant="某公司",
                                        loads={"w01018": "5"})

    actions.do_approve_project(first, acting_user=w.regulator, note="符合总量要求")
    with pytest.raises(ValidationError) as refused:
        actions.do_approve_project(second, acting_user=w.regulator)

    assert refused.value.messages[0] == "项目新增排放量超出可用环境容量：化学需氧量：需要 5 吨/年，可用 3 吨/年。"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (ProjectStatus.APPROVED, ProjectStatus.PROPOSED)
    entry = LedgerEntry.objects.get(kind=EntryKind.NEW_PROJECT)
    assert (entry.project_id, entry.delta_t) == (first.pk, D("50.0000"))
    assert ledger.capacity(w.park.pk)["w01018"].available == D("3")
    assert ledger.fits(first) == (True, {"w01018": D("3")})  # its own allocation is given back
    assert AuditEntry.objects.filter(action="loads.approve_project", object_id=str(first.pk)).exists()


def test_it_refuses_bad_project_input_and_writes_nothing(account):
    w = account
    with pytest.raises(ValidationError) as bad:
        actions.do_propose_project(w.park, acting_user=w.regulator, name=" ", applicant="", loads={"w01018": "-1"})
    assert set(bad.value.message_dict) == {"name", "applicant", "loads"}
    with pytest.raises(ValidationError):
        actions.do_propose_project(w.park, acting_user=w.regulator, name="x", applicant="y", loads={"zz999": "1"})
    assert not LedgerEntry.objects.filter(kind=EntryKind.NEW_PROJECT).exists()


def test_it_lets_only_managers_set_baselines_with_an_audit_entry(account):
    w = account
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_set_baseline(w.enterprise_a, acting_user=w.ent_a, pollutant_code="w01018", year=2024, load_t="1")
    row = actions.do_set_baseline(w.enterprise_a, acting_user=w.regulator, pollutant_code="w01018", year=2024,
                                  load_t="120.5", note="复核")
    assert row.load_t == D("120.5000")
    entry = AuditEntry.objects.get(action="loads.set_baseline")
    assert (entry.before["load_t"], entry.after["load_t"], entry.after["note"]) == ("100.0000", "120.5000", "复核")
