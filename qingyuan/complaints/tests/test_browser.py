"""Phone-sized journey in Chromium: a citizen files a complaint with a photo, the bureau's officer
handles and replies, the citizen reads the reply on the tracking page and rates it."""

import re

import pytest

from qingyuan.complaints import ratelimit
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import PNG
from qingyuan.test import PASSWORD, make_world

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_citizen_files_tracks_and_rates_on_a_phone(live_server, page, transactional_db, tmp_path):
    world = make_world()
    base = live_server.url
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/public/complaints/{world.park.code}/")
    page.click("label[for=id_category_0]")  # 异味
    page.fill("#id_description", "晚上八点起闻到刺鼻的化学品气味，持续两小时")
    page.click("#pick-map", position={"x": 150, "y": 120})
    page.fill("#id_address", "临江村三组")
    page.select_option("#id_enterprise", str(world.enterprise_a.pk))
    photo = tmp_path / "smell.png"
    photo.write_bytes(PNG)
    page.set_input_files("#id_photos", str(photo))
    page.fill("#id_phone", "13907971111")
    token = page.get_attribute("input[name=challenge]", "value")
    page.fill("#id_answer", str(ratelimit.solve(token)))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.click("#submit-complaint")
    page.wait_for_selector("#tracking-code")
    code = page.inner_text("#tracking-code").strip()
    pin = page.inner_text("#tracking-pin").strip()  # shown once: the citizen writes it down
    tracking_url = page.url
    assert re.fullmatch(r"[A-Z2-9]{10}", code) and re.fullmatch(r"[0-9]{6}", pin)
    assert "县环保局" in page.inner_text("#public-unit")
    c = Complaint.objects.get(code=code)
    assert c.longitude is not None and c.handling_unit == world.bureau and c.phone == "13907971111"

    officer = page.context.browser.new_context(locale="zh-CN", viewport=PHONE)
    staff = officer.new_page()
    staff.goto(f"{base}/login/")
    staff.fill("#id_username", "officer")
    staff.fill("#id_password", PASSWORD)
    staff.click("button[type=submit]")
    staff.wait_for_url(f"{base}/")
    staff.goto(f"{base}/complaints/{c.pk}/")
    assert "13907971111" in staff.inner_text("#complainant")
    staff.click("form[action$='/act/start/'] button")
    staff.wait_for_selector("#reply-form")
    staff.fill("#id_reply", "经现场检查，甲化工有限公司废气处理设施故障，已责令停产检修。")
    staff.click("#reply-form button[type=submit]")
    staff.wait_for_selector("#status:has-text('已答复')")
    officer.close()

    page.goto(tracking_url.split("?")[0])
    assert "已责令停产检修" in page.inner_text("#public-reply")
    assert "13907971111" not in page.content() and pin not in page.content()
    page.click("label[for=id_rating_0]")  # 满意
    page.click("#rating-form button[type=submit]")  # the code alone is not enough
    page.wait_for_selector("#track-error")
    assert "评价密码" in page.inner_text("#track-error")
    c.refresh_from_db()
    assert (c.status, c.rating) == ("replied", "")
    page.click("label[for=id_rating_0]")
    page.fill("#id_pin", pin)
    page.click("#rating-form button[type=submit]")
    page.wait_for_selector("#rated")
    assert "满意" in page.inner_text("#public-rating")
    c.refresh_from_db()
    assert (c.status, c.rating, c.assignment.status) == ("closed", "satisfied", "completed")
