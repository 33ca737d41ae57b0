"""The complainant's consent to publish the reply: a checkbox on the public form, off unless ticked."""

from __future__ import annotations

import re

from django.test import Client

from qingyuan.complaints import ratelimit
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import form_data


def _post(world, **extra):
    client = Client()
    page = client.get(f"/public/complaints/{world.park.code}/").content.decode()
    assert 'name="publish_reply"' in page
    token = re.search(r'name="challenge" value="([^"]+)"', page).group(1)
    return client.post(f"/public/complaints/{world.park.code}/", {
        **form_data(enterprise=str(world.enterprise_a.pk)), "challenge": token,
        "answer": str(ratelimit.solve(token)), **extra})


def test_it_records_the_consent_only_when_the_box_is_ticked(world):
    assert _post(world, publish_reply="on").status_code == 302
    assert _post(world).status_code == 302
    assert list(Complaint.objects.order_by("id").values_list("publish_reply", flat=True)) == [True, False]
