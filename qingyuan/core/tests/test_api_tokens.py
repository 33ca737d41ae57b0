"""API tokens: listed and revoked by their owner (page and API), by an administrator, and ended
by a password change or deactivation; every revocation audited."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from qingyuan.core import tokens
from qingyuan.core.models import ApiToken, AuditEntry
from qingyuan.test import PASSWORD


def issue(client, username, name=""):
    response = client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD, "name": name},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def works(key):
    return Client().get("/api/v1/enterprises", **bearer(key)).status_code == 200


def test_it_lists_the_callers_tokens_without_their_keys(world, client):
    first = issue(client, "regulator", "报表脚本")
    issue(client, "regulator")
    issue(client, "ent_a")
    response = client.get("/api/v1/auth/tokens", **bearer(first["token"]))
    assert response.status_code == 200
    rows = response.json()
    assert [row["name"] for row in rows] == ["", "报表脚本"]
    assert set(rows[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at"}
    assert first["token"] not in response.content.decode() and rows[1]["prefix"] == first["token"][3:11]


def test_it_revokes_a_token_of_the_caller_and_no_one_elses(world, client):
    mine, other = issue(client, "regulator"), issue(client, "ent_a")
    response = client.delete(f"/api/v1/auth/tokens/{other['id']}", **bearer(mine["token"]))
    assert response.status_code == 404 and works(other["token"])
    response = client.delete(f"/api/v1/auth/tokens/{mine['id']}", **bearer(mine["token"]))
    assert response.status_code == 204
    assert not works(mine["token"])
    assert ApiToken.objects.get(pk=mine["id"]).revoked_at is not None
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.user == world.regulator and entry.object_id == str(mine["id"])


def test_it_lists_and_revokes_tokens_on_the_account_page(world, as_user):
    key, token = tokens.do_issue_api_token(world.officer, name="巡查同步", acting_user=world.officer)
    tokens.do_issue_api_token(world.regulator, name="别人的", acting_user=world.regulator)
    client = as_user(world.officer)
    assert 'id="account-link"' in client.get("/inbox/").content.decode()  # the user's name in the menu bar
    page = client.get("/account/").content.decode()
    assert "巡查同步" in page and token.prefix in page and key not in page and "别人的" not in page
    other = ApiToken.objects.get(user=world.regulator)
    assert client.post(f"/account/tokens/{other.pk}/revoke/").status_code == 404
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and not works(key)
    assert works(tokens.do_issue_api_token(world.regulator, acting_user=None)[0])
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk), user=world.officer).exists()


def test_it_shows_a_new_key_once_on_the_account_page(world, as_user):
    client = as_user(world.officer)
    page = client.post("/account/", {"name": "桌面工具"}).content.decode()
    token = ApiToken.objects.get(user=world.officer)
    assert token.name == "桌面工具" and 'id="new-token"' in page
    assert 'id="new-token"' not in client.get("/account/").content.decode()


def test_it_revokes_every_token_when_the_password_changes_through_the_form(world, as_user):
    key, _token = tokens.do_issue_api_token(world.officer, acting_user=world.officer)
    client = as_user(world.officer)
    response = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": "Qingyuan-new-2025!",
                                                   "new_password2": "Qingyuan-new-2025!"})
    assert response.status_code == 302
    assert not works(key)
    assert AuditEntry.objects.filter(action="api_token.revoke", message__contains="密码").count() == 1


@pytest.mark.parametrize("change", ["set_password", "unusable", "deactivate"])
def test_it_revokes_every_token_when_credentials_change_anywhere(world, change):
    user = world.regulator
    keys = [tokens.do_issue_api_token(user, acting_user=user)[0] for _ in range(2)]
    user = get_user_model().objects.get(pk=user.pk)
    if change == "set_password":
        user.set_password("another-long-pass-9")
    elif change == "unusable":
        user.set_unusable_password()
    else:
        user.is_active = False
    user.save()
    assert ApiToken.objects.active().filter(user=user).count() == 0
    assert not any(works(k) for k in keys)
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 2


def test_it_keeps_tokens_on_a_hash_upgrade_or_an_unrelated_save(world, settings):
    key, _token = tokens.do_issue_api_token(world.regulator, acting_user=None)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    user = get_user_model().objects.get(pk=world.regulator.pk)
    old_hash = user.password
    assert user.check_password(PASSWORD)  # upgrades the MD5 hash to PBKDF2 and saves it
    user.first_name = "王"
    user.save()
    assert get_user_model().objects.get(pk=user.pk).password != old_hash
    assert works(key)


def test_it_caps_the_active_tokens_of_a_user_revoking_the_oldest(world, client, settings):
    settings.QINGYUAN_API_TOKEN_MAX = 3
    issued = [issue(client, "regulator", f"t{i}") for i in range(4)]
    active = ApiToken.objects.active().filter(user=world.regulator)
    assert sorted(t.name for t in active) == ["t1", "t2", "t3"]
    assert not works(issued[0]["token"]) and works(issued[3]["token"])
    assert AuditEntry.objects.filter(action="api_token.issue").count() == 4


def test_it_lets_an_administrator_revoke_anyones_tokens(world, client):
    admin = get_user_model().objects.create_superuser("root", password="root-pass-long-1")
    key, token = tokens.do_issue_api_token(world.ent_a, acting_user=world.ent_a)
    client.force_login(admin)
    response = client.post("/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302 and not works(key)
    assert AuditEntry.objects.get(action="api_token.revoke").user == admin
    key2, _token2 = tokens.do_issue_api_token(world.ent_a, acting_user=world.ent_a)
    response = client.post("/admin/auth/user/", {"action": "revoke_api_tokens", "_selected_action": [world.ent_a.pk]})
    assert response.status_code == 302 and not works(key2)
