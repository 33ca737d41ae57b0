"""The pages: who sees which case, recording a payment from the page, refusals shown, menu and cockpit panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.closures.choices import StepKind
from qingyuan.compensation.models import Payment
from qingyuan.compensation.tests.county import AGREED, agreed

pytestmark = pytest.mark.usefixtures("december")


def test_it_shows_a_case_to_managers_finance_supervisors_and_its_enterprise_only(county: Any, as_user: Any) -> None:
    case = agreed(county)
    w = county.world
    for user in (w.regulator, w.leader, county.finance, w.supervisor, w.ent_a):
        response = as_user(user).get(case.get_absolute_url())
        assert response.status_code == 200, user
        assert w.enterprise_a.name in response.content.decode()
    for user in (w.officer, w.township, w.inspector, w.ent_b, w.outsider):
        assert as_user(user).get(case.get_absolute_url()).status_code == 404, user
        assert f'data-case="{case.pk}"' not in as_user(user).get("/compensation/").content.decode()
    assert as_user(None).get(case.get_absolute_url()).status_code == 302


def test_it_records_a_payment_from_the_page_and_the_balance_falls(county: Any, as_user: Any) -> None:
    case = agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    first = case.instalments.get(sequence=1)
    client = as_user(county.finance)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-pay-button="1"' in page and "6,300,000.25" in page
    response = client.post(f"/compensation/{case.pk}/instalments/{first.pk}/pay/", {
        "voucher_number": "记-0601", "budget_line": "county", "paid_on": "2026-07-01", "amount": "1,500,000.00"},
        follow=True)
    assert response.status_code == 200
    assert Payment.objects.get().amount == Decimal("1500000.00")
    html = response.content.decode()
    assert "4,800,000.25" in html  # the balance after the payment
    case.refresh_from_db()
    assert case.status == "paying"


def test_it_refuses_a_gated_instalment_from_the_page_naming_the_step(county: Any, as_user: Any) -> None:
    case = agreed(county)
    third = case.instalments.get(sequence=3)
    response = as_user(county.finance).post(f"/compensation/{case.pk}/instalments/{third.pk}/pay/", {
        "voucher_number": "记-9", "budget_line": "county", "paid_on": "2026-07-01", "amount": "100"}, follow=True)
    html = response.content.decode()
    assert "alert-danger" in html
    assert f"“{StepKind.WASTE_DISPOSED.label}”" in html
    assert not Payment.objects.exists()


def test_it_refuses_payments_from_others_and_instalments_of_another_case(county: Any, as_user: Any) -> None:
    case = agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    first = case.instalments.get(sequence=1)
    data = {"voucher_number": "v", "budget_line": "county", "paid_on": "2026-07-01", "amount": "1"}
    assert as_user(county.world.supervisor).post(f"/compensation/{case.pk}/instalments/{first.pk}/pay/",
                                                 data).status_code == 404
    assert as_user(county.world.ent_a).post(f"/compensation/{case.pk}/instalments/{first.pk}/pay/",
                                            data).status_code == 404
    as_user(county.world.regulator).post(f"/compensation/{case.pk}/instalments/{first.pk}/pay/", data, follow=True)
    assert not Payment.objects.exists()


def test_it_opens_a_case_and_records_the_agreement_through_the_forms(county: Any, as_user: Any) -> None:
    client = as_user(county.world.regulator)
    response = client.post("/compensation/new/", {"closure": county.closure.pk})
    case = county.closure.compensation
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    client.post(f"/compensation/{case.pk}/appraisals/", {
        "appraiser": "华信评估", "report_number": "R-1", "appraised_on": "2026-04-10", "land": "3000000"})
    client.post(f"/compensation/{case.pk}/transition/", {"name": "negotiate"})
    form = {"number": "补协1号", "signed_on": "2026-06-01", "amount": "3000000",
            "i-TOTAL_FORMS": "4", "i-INITIAL_FORMS": "0", "i-MIN_NUM_FORMS": "0", "i-MAX_NUM_FORMS": "12",
            "i-0-amount": "1000000", "i-0-due_on": "2026-06-15", "i-0-condition": "production_stopped",
            "i-1-amount": "1500000", "i-1-due_on": "2026-09-15", "i-1-condition": "final_check"}
    html = client.post(f"/compensation/{case.pk}/agreement/", form, follow=True).content.decode()
    case.refresh_from_db()
    assert case.status == "negotiation" and not case.instalments.exists()
    assert "2,500,000.00" in html and "3,000,000.00" in html   # both sums named
    form["i-2-amount"], form["i-2-due_on"] = "500000", "2026-10-01"
    client.post(f"/compensation/{case.pk}/agreement/", form)
    case.refresh_from_db()
    assert case.status == "agreed" and case.instalments.count() == 3


def test_it_filters_the_list_by_budget_line_with_constant_queries(county: Any, as_user: Any) -> None:
    case = agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    Payment.objects.create(case=case, instalment=case.instalments.get(sequence=1), voucher_number="v1",
                           budget_line="subsidy", paid_on=dt.date(2026, 7, 1), amount=Decimal("100"))
    client = as_user(county.world.regulator)
    assert f'data-case="{case.pk}"' in client.get("/compensation/?line=subsidy").content.decode()
    assert f'data-case="{case.pk}"' not in client.get("/compensation/?line=park").content.decode()
    client.get("/compensation/")
    with CaptureQueriesContext(connection) as one:
        client.get("/compensation/")
    from qingyuan.closures.models import ClosureCase

    other = ClosureCase.objects.create(
        park=county.world.park, enterprise=county.world.enterprise_b, kind="closure", decision_number="2号",
        decision_date=dt.date(2026, 3, 1), basis="other", deadline=dt.date(2026, 9, 30),
        responsible_unit=county.world.bureau, opened_at=county.closure.opened_at)
    from qingyuan.compensation.actions import do_open_case

    do_open_case(other, acting_user=county.world.regulator)
    with CaptureQueriesContext(connection) as two:
        client.get("/compensation/")
    assert len(two) == len(one)


def test_it_puts_committed_against_paid_on_the_cockpit_by_budget_line(county: Any, as_user: Any) -> None:
    case = agreed(county)
    Payment.objects.create(case=case, instalment=case.instalments.get(sequence=1), voucher_number="v1",
                           budget_line="subsidy", paid_on=dt.date(2026, 7, 1), amount=Decimal("2000000"))
    html = as_user(county.world.regulator).get("/").content.decode()
    tile = html[html.index('id="tile-compensation"'):]
    assert "630.00" in tile and "200.00" in tile and "430.00" in tile   # 万元: committed, paid, balance
    assert '/compensation/?line=subsidy' in tile
    assert AGREED == Decimal("6300000.25")


@pytest.mark.parametrize(("who", "shown"), [("regulator", True), ("finance", True), ("supervisor", True),
                                            ("officer", False), ("ent_a", False), ("inspector", False)])
def test_it_shows_the_menu_entry_to_managers_finance_and_supervisors(county: Any, as_user: Any, who: str,
                                                                     shown: bool) -> None:
    user = county.finance if who == "finance" else getattr(county.world, who)
    assert ('id="nav-compensation"' in as_user(user).get("/").content.decode()) is shown


def test_it_shows_the_totals_on_the_finance_officers_home_not_on_an_enterprises(county: Any, as_user: Any) -> None:
    agreed(county)
    home = as_user(county.finance).get("/").content.decode()
    assert 'id="tile-compensation"' in home and "630.00" in home[home.index('id="tile-compensation"'):]
    assert 'id="tile-compensation"' not in as_user(county.world.ent_a).get("/").content.decode()
    assert 'id="tile-compensation"' not in as_user(county.world.officer).get("/").content.decode()
