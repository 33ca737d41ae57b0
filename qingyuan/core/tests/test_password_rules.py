"""Passwords: at least 12 characters, not common, not only digits, not like the user's name."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from qingyuan.core import tokens
from qingyuan.core.models import ApiToken
from qingyuan.test import PASSWORD


@pytest.mark.parametrize("password, code", [
    ("Qy-2025!ab", "password_too_short"),
    ("password1234", "password_too_common"),
    ("qwertyuiop123", "password_too_common"),
    ("730512946082", "password_entirely_numeric"),
    ("zhang.wei.qingyuan", "password_too_similar"),
])
def test_it_rejects_short_common_numeric_and_personal_passwords(db, password, code):
    user = get_user_model()(username="zhangwei", email="zhang.wei@qingyuan.example", first_name="Wei")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in [error.code for error in refused.value.error_list]


def test_it_accepts_a_long_uncommon_password(db):
    validate_password("青苑-检查-2025-河口", get_user_model()(username="zhangwei"))


def test_it_refuses_a_weak_new_password_on_the_change_page_and_keeps_the_tokens(world, as_user):
    tokens.do_issue_api_token(world.officer, acting_user=world.officer)
    response = as_user(world.officer).post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and "密码" in response.content.decode()
    assert get_user_model().objects.get(pk=world.officer.pk).check_password(PASSWORD)
    assert ApiToken.objects.active().filter(user=world.officer).count() == 1
