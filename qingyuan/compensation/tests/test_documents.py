"""The Word agreement summary and the Excel ledger, reopened and read back."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from qingyuan.compensation import actions
from qingyuan.compensation.tests.county import agreed

pytestmark = pytest.mark.usefixtures("december")


def _paid_twice(county: Any) -> Any:
    case = agreed(county)
    county.verify("production_stopped", dt.date(2026, 6, 10))
    first = case.instalments.get(sequence=1)
    actions.do_record_payment(first, voucher_number="记-0701", budget_line="county", paid_on=dt.date(2026, 7, 1),
                              amount="1200000", acting_user=county.finance)
    actions.do_record_payment(first, voucher_number="记-0801", budget_line="subsidy", paid_on=dt.date(2026, 8, 1),
                              amount="800000", acting_user=county.finance)
    return case


def test_it_writes_the_ledger_with_a_running_balance(county: Any, as_user: Any) -> None:
    case = _paid_twice(county)
    response = as_user(county.world.regulator).get(f"/compensation/{case.pk}/ledger.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(io.BytesIO(response.content))
    ledger, plan = wb.worksheets
    rows = list(ledger.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    assert rows[0][0].date() == dt.date(2026, 6, 1) and Decimal(str(rows[0][6])) == Decimal("6300000.25")
    assert rows[1][3] == "记-0701" and Decimal(str(rows[1][5])) == Decimal("1200000")
    assert Decimal(str(rows[1][6])) == Decimal("5100000.25")
    assert rows[2][3] == "记-0801" and Decimal(str(rows[2][6])) == Decimal("4300000.25")
    assert rows[2][4] in ("上级补助资金", "Higher-level subsidy")
    instalments = list(plan.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in instalments] == [1, 2, 3]
    assert Decimal(str(instalments[0][5])) == Decimal("2000000") and Decimal(str(instalments[0][6])) == 0
    assert Decimal(str(instalments[2][1])) == Decimal("1800000.25")


def test_it_writes_the_agreement_summary_in_word(county: Any, as_user: Any) -> None:
    case = _paid_twice(county)
    response = as_user(county.world.ent_a).get(f"/compensation/{case.pk}/agreement.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert county.world.enterprise_a.name in text
    assert "青补协〔2026〕1号" in text and "6,300,000.25" in text and "4,300,000.25" in text
    assert "江右华信资产评估有限公司" in text and "6,580,000.50" in text
    table = doc.tables[0]
    assert len(table.rows) == 4
    assert table.rows[1].cells[1].text == "2,000,000.00" and table.rows[3].cells[1].text == "1,800,000.25"


def test_it_refuses_the_documents_outside_scope(county: Any, as_user: Any) -> None:
    case = agreed(county)
    for user in (county.world.ent_b, county.world.officer, county.world.outsider):
        assert as_user(user).get(f"/compensation/{case.pk}/ledger.xlsx").status_code == 404
        assert as_user(user).get(f"/compensation/{case.pk}/agreement.docx").status_code == 404
