"""Browser journey on a phone (390×844): a villager opens the village link, asks for the SMS code, answers the
questionnaire with the code read from the SMS backend's outbox, and a second try from the same phone is refused."""

from __future__ import annotations

from typing import Any

import pytest

from qingyuan.complaints import sms
from qingyuan.surveys.models import Response
from qingyuan.surveys.tests.conftest import last_code, new_round, questions, village
from qingyuan.test import wait_until

pytestmark = pytest.mark.browser


def test_a_villager_answers_on_a_phone_after_an_sms_code(live_server: Any, browser: Any, transactional_db: Any,
                                                         world: Any, settings: Any) -> None:
    settings.QINGYUAN_SMS_BACKEND = "qingyuan.complaints.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    v = village(world, "临江村")
    r = new_round(world)
    q = questions(r)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    link = f"{live_server.url}/public/surveys/{r.code}/{v.pk}/"

    page.goto(link)
    assert r.title in page.inner_text("h1")
    page.fill("#id_phone", "139 0797 5678")
    with page.expect_navigation():
        page.click("#phone-form button[type=submit]")
    assert "139****5678" in page.inner_text("#code-sent")
    assert sms.MemoryBackend.outbox[-1][0] == "13907975678"
    code = last_code()

    page.click(f"#field-q{q['satisfaction'].pk} label:has-text('基本满意')")
    page.click(f"#field-q{q['single'].pk} label:has-text('1-3公里')")
    page.click(f"#field-q{q['multiple'].pk} label:has-text('异味')")
    page.fill(f"#field-q{q['text'].pk} textarea", "夜里偶尔还有气味")
    page.fill("#id_code", code)
    wait_until(page, "document.documentElement.scrollWidth <= window.innerWidth")  # nothing wider than the phone
    with page.expect_navigation():
        page.click("#survey-form button[type=submit]")
    assert page.url.endswith("/thanks/")
    assert "已收到" in page.inner_text("#survey-thanks")
    saved = Response.objects.get()
    assert saved.satisfaction == 2 and saved.channel == "phone" and saved.village == v
    assert saved.answers[str(q["text"].pk)] == "夜里偶尔还有气味"

    assert not problems, problems

    # The same phone again, from a fresh session: refused before any code is sent (the page answers 400).
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#id_phone", "13907975678")
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector(".phone-error")
    assert "已经参加过" in page.inner_text(".phone-error")
    assert len(sms.MemoryBackend.outbox) == 1 and Response.objects.count() == 1
    context.close()
