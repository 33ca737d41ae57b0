"""Notifications are links to their object; following an unread one marks it read."""

import re

import pytest

from qingyuan.core.models import Notification
from qingyuan.test import browser_login


def test_it_lists_each_notification_as_a_link_to_its_object(world, as_user):
    note = Notification.objects.create(recipient=world.regulator, kind="assignment.issued", title="新交办单",
                                       url="/tasks/7/")
    Notification.objects.create(recipient=world.regulator, kind="k", title="无链接的通知")
    page = as_user(world.regulator).get("/inbox/").content.decode()
    link = re.search(r'<a class="list-group-item[^"]*inbox-note[^"]*" href="([^"]+)" data-read-url="([^"]+)">', page)
    assert link is not None and link.groups() == ("/tasks/7/", f"/inbox/{note.pk}/read/")
    assert "新交办单" in page and "无链接的通知" in page
    assert 'src="/static/core/inbox.js"' in page


def test_the_script_marks_it_read_without_a_redirect(world, as_user):
    note = Notification.objects.create(recipient=world.regulator, kind="k", title="请处理", url="/enterprises/")
    client = as_user(world.regulator)
    assert client.get(f"/inbox/{note.pk}/read/").status_code == 405  # a write: POST only
    assert client.post(f"/inbox/{note.pk}/read/", headers={"HX-Request": "true"}).status_code == 204
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.browser
def test_following_a_notification_opens_its_object_and_marks_it_read(live_server, page, world):
    note = Notification.objects.create(recipient=world.regulator, kind="k", title="甲化工状态变更",
                                       url=f"/enterprises/{world.enterprise_a.pk}/")
    browser_login(page, live_server.url, "regulator")
    page.goto(f"{live_server.url}/inbox/")
    with page.expect_request(lambda r: r.url.endswith(f"/inbox/{note.pk}/read/") and r.method == "POST"):
        page.click("text=甲化工状态变更")
    page.wait_for_url(f"{live_server.url}/enterprises/{world.enterprise_a.pk}/")
    for _ in range(50):
        note.refresh_from_db()
        if note.read_at is not None:
            break
        page.wait_for_timeout(100)
    assert note.read_at is not None
