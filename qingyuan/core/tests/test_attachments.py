from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.core import attachments
from qingyuan.core.models import Attachment
from qingyuan.core.tests.photos import plain_png

PNG = plain_png()
PDF = b"%PDF-1.7\n" + b"x" * 100


def test_it_stores_an_allowed_file_outside_the_web_root(world, settings):
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    kind = attachments.validate_upload(upload)
    stored = attachments.store(world.enterprise_a, upload, uploaded_by=world.regulator, kind=kind, purpose="evidence")
    path = Path(settings.MEDIA_ROOT) / stored.path
    assert path.read_bytes().startswith(b"\x89PNG") and stored.size == path.stat().st_size and stored.mime == "image/png"
    assert stored.name == "现场照片.png" and stored.path.endswith(".png") and "现场" not in stored.path
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    assert list(attachments.for_owner(world.enterprise_a)) == [stored]
    response = attachments.serve(stored)
    assert b"".join(response.streaming_content) == path.read_bytes() and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "content", "code"), [
    ("script.png", b"<script>alert(1)</script>", "type"),      # claims png, is text
    ("fake.pdf", PNG, "type"),                                  # only PDFs allowed here; the bytes are a PNG
    ("macro.docm", b"PK\x03\x04" + b"x" * 20, "type"),          # zip but not docx/xlsx
    ("huge.pdf", PDF + b"x" * (3 * 1024 * 1024), "size"),
])
def test_it_refuses_disallowed_or_oversized_files(db, name, content, code):
    upload = SimpleUploadedFile(name, content)
    allowed = [k for k in attachments.KINDS if k.extension == "pdf"] if name == "fake.pdf" else None
    with pytest.raises(ValidationError) as exc:
        attachments.validate_upload(upload, allowed=allowed, max_bytes=2 * 1024 * 1024)
    assert exc.value.code == code
    assert not Attachment.objects.exists()
