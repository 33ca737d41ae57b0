"""The pages speak Chinese: no English label of this app is left on them (the catalogue covers them)."""

from __future__ import annotations

import re

import pytest
import time_machine

from qingyuan.meetings import actions, minutes
from qingyuan.meetings.tests.factory import at, held_with_decisions

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r">\s*([A-Z][a-z]+(?: [a-z\-]+)+[.]?)\s*<")


def test_it_leaves_no_english_label_on_the_meeting_pages(world, as_user):
    with time_machine.travel(at("2026-03-10", 15), tick=False):
        m = held_with_decisions(world, 2)
        actions.do_attach_report(m.items.get(), kind="cockpit", acting_user=world.regulator)
        minutes.do_fire_minutes(m, "submit", acting_user=world.regulator)
        minutes.do_approve_minutes(m, acting_user=world.leader)
        minutes.do_issue_minutes(m, acting_user=world.regulator)
        nxt = held_with_decisions(world, 0, title="第二次会议", day="2026-03-12")
        minutes.do_carry_over(nxt, acting_user=world.regulator)
    client = as_user(world.regulator)
    for url in ("/meetings/", "/meetings/new/", f"/meetings/{m.pk}/", f"/meetings/{nxt.pk}/", f"/meetings/{m.pk}/qr/",
                f"/meetings/{m.pk}/sign-in/"):
        body = client.get(url).content.decode()
        left = [s for s in ENGLISH.findall(body) if s not in ("Qingyuan",)]
        assert left == [], (url, left)
    page = client.get(f"/meetings/{nxt.pk}/").content.decode()
    assert "上次会议议定事项落实情况" in page and "按期推进" in page
    assert "纪要〔2026〕第1号" in client.get(f"/meetings/{m.pk}/").content.decode()
