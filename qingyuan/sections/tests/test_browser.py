"""Browser journey in Chromium: the class chart draws, a sample with pH 15 is refused, the fixed one saved,
and the park load page draws its charts."""

from __future__ import annotations

import datetime as dt

import pytest

from qingyuan.loads.tests.helpers import daily, permit
from qingyuan.sections.actions import do_create_section, do_record_sample
from qingyuan.sections.models import Sample
from qingyuan.test import browser_login, make_world

pytestmark = pytest.mark.browser


def login(page, base, username):
    browser_login(page, base, username)


def test_a_regulator_reads_the_class_chart_and_enters_a_sample(live_server, page, transactional_db):
    w = make_world()
    section = do_create_section(w.park, acting_user=w.regulator, name="青溪河出境断面", kind="outbound",
                                river="青溪河", target_class="III")
    today = dt.date.today()
    first = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=3)
    do_record_sample(section, acting_user=w.regulator, date=first, values=[("codcr", "26", ""), ("nh3n", "0.5", "")])
    permit(w.enterprise_a, {"w01018": "4"}, outlet=w.point_a.outlet)
    daily(w.point_a, "w01018", today - dt.timedelta(days=1), kg=100.0)
    base = live_server.url
    login(page, base, "regulator")

    page.goto(f"{base}/sections/{section.pk}/")
    page.wait_for_selector("#section-chart canvas")
    assert "Ⅳ类" in page.inner_text("#months")
    page.click("text=录入采样数据")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_value_ph", "15")
    page.fill("#id_value_codcr", "18")
    page.click("#sample-form button[type=submit]")
    assert "0～14" in page.inner_text("#sample-form")
    assert Sample.objects.count() == 1
    page.fill("#id_value_ph", "7.4")
    page.click("#sample-form button[type=submit]")
    page.wait_for_url(f"{base}/sections/{section.pk}/")
    assert Sample.objects.count() == 2

    page.goto(f"{base}/loads/")
    page.wait_for_selector(".loads-chart canvas")
    assert "甲化工有限公司" in page.inner_text("#enterprise-table")
