"""Browser journey in Chromium: a supervision-group member files an opinion from the menu, the addressed
unit finds it in its work list and answers, the member rates the answer; nothing logs a script error."""

from __future__ import annotations

from typing import Any

import pytest

from qingyuan.core.models import AuditEntry
from qingyuan.supervision.models import Opinion
from qingyuan.supervision.tests.helpers import member
from qingyuan.test import browser_login

pytestmark = pytest.mark.browser
SUBJECT = "北门雨水排口<b>异常</b>"


def test_member_files_unit_answers_member_rates(live_server: Any, page: Any, transactional_db: Any,
                                                world: Any) -> None:
    member(world, name="监督员")
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    base = live_server.url

    # The member: menu → supervision group → file an opinion to the environmental bureau.
    browser_login(page, base, "supervisor")
    page.click("#nav-governance")
    page.click("#nav-supervision")
    page.wait_for_url(f"{base}/supervision/")
    page.click("#new-opinion")
    page.fill("#id_subject", SUBJECT)
    page.select_option("#id_unit", str(world.bureau.pk))
    page.fill("#id_text", "雨后排口有黄色液体流出，请核查。")
    with page.expect_navigation():
        page.click("#opinion-form button[type=submit]")
    opinion = Opinion.objects.get()
    assert page.url == f"{base}/supervision/{opinion.pk}/"
    assert SUBJECT in page.inner_text("h1")  # shown as text, not markup
    assert page.get_attribute("#status .opinion-status", "data-status") == "filed"

    # The unit: its work list → the opinion → answer.
    browser_login(page, base, "officer")
    page.goto(f"{base}/work/")
    with page.expect_navigation():
        page.click(f"a[href='/supervision/{opinion.pk}/']")
    page.fill("#answer-form textarea", "已现场核查，企业雨污分流不彻底，责令7日内整改。")
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")
    assert "责令7日内整改" in page.inner_text("#answer-text")
    assert page.query_selector("#rating-form") is None  # the unit does not rate

    # The member rates "basically satisfied" — first without the comment it needs, then with it.
    browser_login(page, base, "supervisor")
    page.goto(f"{base}/supervision/{opinion.pk}/")
    page.check("#rating-form input[value=basically]")
    with page.expect_navigation():
        page.click("#rating-form button[type=submit]")
    assert page.query_selector(".field-error[data-field=comment]") is not None
    page.check("#rating-form input[value=basically]")
    page.fill("#rating-form textarea", "请反馈整改结果。")
    with page.expect_navigation():
        page.click("#rating-form button[type=submit]")
    assert page.inner_text("#rating-label") == "基本满意"
    opinion.refresh_from_db()
    assert (opinion.status, opinion.rating, opinion.rating_comment) == ("rated", "basically", "请反馈整改结果。")
    assert set(AuditEntry.objects.filter(object_id=str(opinion.pk), object_type__model="opinion")
               .values_list("action", flat=True)) >= {"opinion.file", "opinion.answer", "opinion.rate"}
    # The refused rating answers 400 on purpose (the form with its error); anything else is a problem.
    assert [p for p in problems if "status of 400" not in p] == [], problems
