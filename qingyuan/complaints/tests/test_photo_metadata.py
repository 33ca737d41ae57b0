"""A citizen's photo keeps no GPS position, camera serial or other metadata: sent through the public form,
it is stored re-encoded and upright, and staff, the accused enterprise and the public tracking page get
only the pixels."""

from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import public_post
from qingyuan.core import attachments
from qingyuan.core.models import Attachment
from qingyuan.core.tests import photos


def test_it_strips_gps_and_the_camera_serial_from_a_citizens_photo(placed, client, as_user):
    original = photos.jpeg(orientation=6)
    response = public_post(client, placed.park, enterprise=str(placed.enterprise_a.pk),
                           photos=[SimpleUploadedFile("IMG_20261128_213012.jpg", original, "image/jpeg")])
    assert response.status_code == 302
    c = Complaint.objects.get()
    photo = attachments.for_owner(c).get()
    assert photo.mime == "image/jpeg" and photo.size != len(original)
    staff = as_user(placed.regulator).get(f"/complaints/{c.pk}/photos/{photo.pk}/")
    assert staff.status_code == 200 and staff["Content-Type"] == "image/jpeg"
    body = b"".join(staff.streaming_content)
    assert len(body) == photo.size and photos.assert_no_metadata(body).size == (32, 64)

    assert as_user(placed.regulator).post(f"/complaints/{c.pk}/photos/{photo.pk}/public/",
                                          {"public": "1"}).status_code == 302
    for served in (as_user(placed.ent_a).get(f"/complaints/{c.pk}/photos/{photo.pk}/"),
                   client.get(f"/public/complaints/track/{c.code}/photos/{photo.pk}/")):
        assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
        assert b"".join(served.streaming_content) == body


def test_it_refuses_a_photo_that_is_a_renamed_pdf(placed, client):
    response = public_post(client, placed.park, photos=[SimpleUploadedFile(
        "photo.jpg", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "image/jpeg")])
    assert response.status_code == 400 and "photo.jpg" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_it_refuses_a_photo_pillow_cannot_read_and_keeps_the_form(placed, client):
    response = public_post(client, placed.park, description="河水发黑",
                           photos=[SimpleUploadedFile("坏图.jpg", photos.jpeg()[:700], "image/jpeg")])
    page = response.content.decode()
    assert response.status_code == 400 and "坏图.jpg" in page and "无法作为图片读取" in page and "河水发黑" in page
    assert not Complaint.objects.exists() and not Attachment.objects.exists()
