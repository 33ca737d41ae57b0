import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import time_machine
from django.core import mail

from qingyuan.core import notify
from qingyuan.core.models import Delivery, Notification, NotificationPreference, WebhookEndpoint


class Robot(BaseHTTPRequestHandler):
    received: list = []
    answer = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Robot.received.append(json.loads(body))
        payload = json.dumps(Robot.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def robot_server():
    server = HTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_it_mails_users_who_chose_email_and_respects_inbox_choice(world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.regulator.email = "zhengzhiban@example.cn"
    world.regulator.save()
    NotificationPreference.objects.create(user=world.regulator, kind="enterprise.status", inbox=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify([world.regulator, world.officer], kind="enterprise.status", title="状态变更", body="甲化工停产")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["officer"]
    assert notify.deliver_one() is True and notify.deliver_one() is False
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhengzhiban@example.cn"]
    assert "甲化工停产" in mail.outbox[0].body
    assert Delivery.objects.get().status == "sent"


def test_it_posts_to_group_robots_and_retries_failures(world, django_capture_on_commit_callbacks):
    server = robot_server()
    Robot.received = []
    Robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    url = f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=k"
    WebhookEndpoint.objects.create(name="整治办工作群", flavour="wecom", url=url, kinds=["assignment.overdue"])
    WebhookEndpoint.objects.create(name="无关群", flavour="dingtalk", url=url, kinds=["other.kind"])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify.notify([world.regulator], kind="assignment.overdue", title="交办单已超期", url="/x/")
        assert notify.deliver_one() is True
        delivery = Delivery.objects.get()
        assert delivery.status == "pending" and "errcode=93000" in delivery.last_error
        assert notify.deliver_one() is False  # not due yet: back-off
        Robot.answer = {"errcode": 0}
        with time_machine.travel(delivery.next_attempt_at, tick=False):
            assert notify.deliver_one() is True
        assert Delivery.objects.get().status == "sent"
        assert Robot.received[-1] == {"msgtype": "text", "text": {"content": "交办单已超期\n/x/"}}
        assert len(Robot.received) == 2
    finally:
        server.shutdown()


def test_the_preferences_page_saves_choices(world, as_user):
    notify.register_kind("enterprise.status", "企业状态变更")
    client = as_user(world.officer)
    assert "企业状态变更" in client.get("/inbox/settings/").content.decode()
    client.post("/inbox/settings/", {"email-enterprise.status": "on"})
    pref = NotificationPreference.objects.get(user=world.officer, kind="enterprise.status")
    assert (pref.inbox, pref.email) == (False, True)
