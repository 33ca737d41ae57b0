"""Refusals and missing pages speak the user's language inside the site's frame."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings
from django.views.defaults import permission_denied

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_page_is_explained_in_chinese(client, world):
    client.force_login(world.ent_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and "返回首页" in text and "Not Found" not in text


def test_a_refusal_is_explained_in_chinese(world):
    request = RequestFactory().get("/x/")
    request.user = world.ent_a
    page = permission_denied(request, PermissionDenied())
    assert page.status_code == 403 and "无权操作" in page.content.decode()
