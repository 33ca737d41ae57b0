"""Failed logins are throttled per account and per address, on the login form and the token API."""

from django.contrib.auth import get_user_model
from django.test import Client

from qingyuan.core.models import AuditEntry
from qingyuan.test import PASSWORD


def login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def token(client, username, password=PASSWORD, **headers):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json", **headers)


def test_it_refuses_the_right_password_after_five_wrong_ones(world):
    client = Client()
    codes = [login(client, "officer", "wrong-password").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    response = login(client, "officer")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    page = response.content.decode()
    assert 'id="locked-out"' in page and "登录失败次数过多" in page and "15" in page
    assert login(Client(REMOTE_ADDR="10.9.8.7"), "officer").status_code == 429  # the account, from anywhere


def test_it_lets_another_account_in_from_the_same_address_until_the_address_limit(world, settings):
    client = Client()
    for _ in range(5):
        login(client, "officer", "wrong-password")
    response = login(Client(), "regulator")
    assert response.status_code == 302 and response["Location"] == "/"
    for i in range(settings.QINGYUAN_LOGIN_ADDRESS_LIMIT - 5):
        login(client, f"nobody{i}", "wrong-password")
    assert login(Client(), "ent_a").status_code == 429
    assert login(Client(REMOTE_ADDR="10.9.8.7"), "ent_a").status_code == 302  # another address


def test_it_throttles_the_token_api_with_a_json_error_in_the_callers_language(world):
    client = Client()
    assert [token(client, "inspector", "wrong").status_code for _ in range(4)] == [401] * 4
    response = token(client, "inspector", "wrong")
    assert response.status_code == 429 and "登录失败次数过多" in response.json()["error"]
    response = token(client, "inspector", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429 and "Too many failed logins" in response.json()["error"]
    assert "token" not in response.json()


def test_it_counts_failures_on_the_form_and_the_api_together(world):
    client = Client()
    for _ in range(3):
        token(client, "supervisor", "wrong")
    for _ in range(2):
        login(client, "supervisor", "wrong")
    assert login(client, "supervisor").status_code == 429


def test_it_audits_each_lockout_once(world):
    client = Client()
    for _ in range(8):
        login(client, "officer", "wrong-password")
    entry = AuditEntry.objects.get(action="auth.lockout")
    assert entry.object_id == str(world.officer.pk)
    assert entry.after == {"username": "officer", "ip_address": "127.0.0.1", "by": "account"}


def test_it_lets_an_administrator_unlock_a_locked_account(world):
    for _ in range(5):
        login(Client(), "officer", "wrong-password")
    assert login(Client(), "officer").status_code == 429
    admin = get_user_model().objects.create_superuser("root", password="root-pass-long-1")
    staff = Client(REMOTE_ADDR="10.1.1.1")
    staff.force_login(admin)
    response = staff.post("/admin/auth/user/", {"action": "unlock_login", "_selected_action": [world.officer.pk]})
    assert response.status_code == 302
    assert login(Client(), "officer").status_code == 302
    entry = AuditEntry.objects.get(action="auth.unlock")
    assert entry.user == admin and entry.before == {"failures": 6}  # five wrong, one refused


def test_it_counts_the_proxy_header_only_when_configured(world, settings):
    for i in range(5):
        login(Client(HTTP_X_REAL_IP=f"10.0.0.{i}"), f"nobody{i}", "wrong")
    assert login(Client(HTTP_X_REAL_IP="10.0.0.99"), "officer").status_code == 302  # header ignored: same socket
    settings.QINGYUAN_CLIENT_IP_HEADER = "X-Real-IP"
    settings.QINGYUAN_LOGIN_ADDRESS_LIMIT = 3
    for _ in range(3):
        login(Client(HTTP_X_REAL_IP="10.0.0.50"), "nobody", "wrong")
    assert login(Client(HTTP_X_REAL_IP="10.0.0.50"), "regulator").status_code == 429
    assert login(Client(HTTP_X_REAL_IP="10.0.0.51"), "regulator").status_code == 302
