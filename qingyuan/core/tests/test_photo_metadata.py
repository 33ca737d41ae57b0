"""Photos are stored and served without their metadata (GPS, camera serial, owner, XMP, ICC, text),
turned upright, in their own format; images Pillow cannot read and decompression bombs are refused."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, features

from qingyuan.core import attachments, images
from qingyuan.core.models import Attachment
from qingyuan.core.tests import photos


def stored_and_served(world, settings, name, content):
    upload = SimpleUploadedFile(name, content)
    kind = attachments.validate_upload(upload)
    stored = attachments.store(world.enterprise_a, upload, uploaded_by=world.regulator, kind=kind, purpose="photo")
    on_disk = (Path(settings.MEDIA_ROOT) / stored.path).read_bytes()
    served = b"".join(attachments.serve(stored).streaming_content)
    assert served == on_disk and stored.size == len(on_disk)
    assert stored.sha256 == hashlib.sha256(on_disk).hexdigest()
    return stored, on_disk


def test_it_drops_gps_serial_and_xmp_from_a_jpeg_and_turns_it_upright(world, settings):
    original = photos.jpeg(orientation=6)
    assert photos.SERIAL.encode() in original and Image.open(io.BytesIO(original)).getexif()
    stored, data = stored_and_served(world, settings, "IMG_0001.JPG", original)
    image = photos.assert_no_metadata(data)
    assert stored.mime == "image/jpeg" and image.format == "JPEG" and stored.path.endswith(".jpg")
    assert image.size == (32, 64)  # 64 × 32 turned a quarter clockwise
    top, bottom = image.convert("RGB").getpixel((16, 4)), image.convert("RGB").getpixel((16, 60))
    assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]  # the blue left edge is now on top


def test_it_drops_text_chunks_exif_and_icc_from_a_png_and_keeps_its_transparency(world, settings):
    stored, data = stored_and_served(world, settings, "现场.png", photos.png())
    image = photos.assert_no_metadata(data)
    assert stored.mime == "image/png" and image.format == "PNG" and image.size == (64, 32)
    assert image.mode == "RGBA" and image.getpixel((63, 31))[3] == 0 and image.getpixel((0, 0)) == (*photos.BLUE, 255)


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_it_drops_exif_xmp_and_icc_from_a_webp(world, settings):
    stored, data = stored_and_served(world, settings, "photo.webp", photos.webp())
    image = photos.assert_no_metadata(data)
    assert stored.mime == "image/webp" and image.format == "WEBP" and image.size == (64, 32)


def test_it_reencodes_even_when_a_caller_stores_without_validating(world, settings):
    upload = SimpleUploadedFile("a.jpg", photos.jpeg())
    kind = next(k for k in attachments.KINDS if k.mime == "image/jpeg")
    stored = attachments.store(world.enterprise_a, upload, uploaded_by=None, kind=kind)
    photos.assert_no_metadata((Path(settings.MEDIA_ROOT) / stored.path).read_bytes())


def test_it_keeps_a_sensible_jpeg_quality(world, settings):
    big = photos.picture(size=(800, 600))
    out = io.BytesIO()
    big.save(out, "JPEG", quality=95, exif=photos.exif(1))
    _, data = stored_and_served(world, settings, "big.jpeg", out.getvalue())
    image = photos.assert_no_metadata(data)
    assert image.size == (800, 600) and image.getpixel((400, 300))[0] > 190
    assert 2_000 < len(data) < len(out.getvalue())  # quality 85, not a thumbnail


@pytest.mark.parametrize("size", [(7000, 7000), (30000, 30000)])  # over our cap; over Pillow's own bomb limit
def test_it_refuses_a_decompression_bomb(db, size):
    upload = SimpleUploadedFile("bomb.png", photos.png_claiming(*size))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        attachments.validate_upload(upload, allowed=attachments.IMAGE_KINDS)
    assert exc.value.code == "image"
    assert "bomb.png" in exc.value.messages[0] and "像素" in exc.value.messages[0]
    assert str(images.MAX_PIXELS // 1_000_000) in exc.value.messages[0]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("name", "content"), [
    ("cut.jpg", photos.jpeg()[:700]),                       # truncated in the middle of the picture
    ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),     # the right first bytes, nothing after them
    ("junk.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x01" * 40),
])
def test_it_refuses_an_image_pillow_cannot_read(db, name, content):
    upload = SimpleUploadedFile(name, content)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        attachments.validate_upload(upload)
    assert exc.value.code == "image" and name in exc.value.messages[0] and "无法作为图片读取" in exc.value.messages[0]
    assert not Attachment.objects.exists()
