"""Patrol photos keep no GPS position, camera serial or other metadata: what the inspector's phone sent
is re-encoded upright, and the enterprise (and anyone else allowed) gets only the pixels."""

import io

from django.utils import translation
from PIL import Image

from qingyuan.core.models import Attachment
from qingyuan.core.tests import photos
from qingyuan.inspections.models import Patrol
from qingyuan.inspections.tests.helpers import form_data, photo


def test_it_strips_gps_and_the_camera_serial_from_a_patrol_photo(world, as_user):
    data = form_data(world.enterprise_a, photos=[photo("现场.jpg", photos.jpeg(orientation=6), "image/jpeg"),
                                                 photo("台账.png", photos.png(), "image/png")])
    response = as_user(world.inspector).post(f"/inspections/new/?enterprise={world.enterprise_a.pk}", data)
    patrol = Patrol.objects.get()
    assert response.status_code == 302
    jpeg, png = Attachment.objects.filter(owner_id=str(patrol.pk)).order_by("id")
    for user in (world.inspector, world.regulator, world.ent_a):
        served = as_user(user).get(f"/inspections/{patrol.pk}/photos/{jpeg.pk}/")
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
        assert served["X-Content-Type-Options"] == "nosniff" and served["Content-Disposition"].startswith("inline")
        body = b"".join(served.streaming_content)
        assert len(body) == jpeg.size
        assert photos.assert_no_metadata(body).size == (32, 64)  # turned upright
    body = b"".join(as_user(world.ent_a).get(f"/inspections/{patrol.pk}/photos/{png.pk}/").streaming_content)
    assert Image.open(io.BytesIO(body)).format == "PNG" and photos.assert_no_metadata(body).mode == "RGBA"


def test_it_refuses_a_photo_whose_name_lies_about_its_type(world, as_user):
    data = form_data(world.enterprise_a, photos=[photo("现场.png", photos.jpeg(), "image/png")])
    with translation.override("zh-hans"):
        response = as_user(world.inspector).post(f"/inspections/new/?enterprise={world.enterprise_a.pk}", data,
                                                 HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and any(".jpg" in m for m in response.json()["errors"]["photos"])
    assert not Patrol.objects.exists() and not Attachment.objects.exists()
