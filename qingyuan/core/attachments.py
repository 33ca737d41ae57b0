"""Uploaded evidence and attachments, stored outside the web root and served only after an access check.

An attachment belongs to any domain object (generic relation). The file type is
decided from the file's first bytes, not from its name or the browser's claim, and
must be on the allowed list; the name's extension must then agree with it (a PDF
named ``.html`` is refused), and size is capped. Images are re-encoded by
``core.images`` before they are stored, so no GPS position, camera serial or other
metadata is kept; the stored size and hash describe the re-encoded file. Downloads
go through the owning app's view, which checks access to the owner and then calls
``serve``: the type is sniffed again, images are shown inline, anything else is a
download.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core import images
from qingyuan.core.models import Attachment

MAX_BYTES = 20 * 1024 * 1024
HEAD = 16


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str
    magic: tuple[bytes, ...]
    aliases: tuple[str, ...] = ()  # other extensions a file of this kind may be named with
    member: str = ""  # Office Open XML: the zip member that makes it this kind

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)

    @property
    def is_image(self) -> bool:
        return self.mime in images.PIL_FORMATS


# Never HTML, SVG, XML or scripts: a browser would run them on this site's origin.
KINDS = [
    FileKind("application/pdf", "pdf", (b"%PDF-",)),
    FileKind("image/jpeg", "jpg", (b"\xff\xd8\xff",), aliases=("jpeg", "jpe", "jfif")),
    FileKind("image/png", "png", (b"\x89PNG\r\n\x1a\n",)),
    FileKind("image/webp", "webp", (b"RIFF",)),
    # Office Open XML (docx, xlsx) are zip files; the extension tells which, a member confirms it.
    FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", (b"PK\x03\x04",),
             member="word/document.xml"),
    FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", (b"PK\x03\x04",),
             member="xl/workbook.xml"),
]
IMAGE_KINDS = [k for k in KINDS if k.is_image]

# Re-encoded bytes of uploads that passed validate_upload, so store() does not decode them twice.
_REENCODED: WeakKeyDictionary[Any, tuple[FileKind, bytes]] = WeakKeyDictionary()


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def sniff(head: bytes, allowed: list[FileKind], extension: str = "") -> FileKind | None:
    """The kind the first bytes show; for zip-based kinds, which one is told by the extension."""
    for kind in allowed:
        if any(head.startswith(m) for m in kind.magic):
            if kind.member and extension != kind.extension:
                continue
            if kind.mime == "image/webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def detect(head: bytes, filename: str, allowed: list[FileKind]) -> FileKind | None:
    """The file's kind if its bytes are of an allowed kind and its name has that kind's extension."""
    ext = extension_of(filename)
    kind = sniff(head, allowed, ext)
    return kind if kind is not None and ext in kind.extensions else None


def validate_upload(upload: Any, *, allowed: list[FileKind] | None = None, max_bytes: int = MAX_BYTES) -> FileKind:
    """Raise a ValidationError naming the problem, or return the file's kind.

    Images are decoded and re-encoded here (an image Pillow cannot read or a decompression
    bomb is refused); ``store`` writes the re-encoded bytes.
    """
    allowed = allowed or KINDS
    name = upload.name or ""
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": name, "size": upload.size / 1048576, "limit": max_bytes // 1048576},
            code="size",
        )
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    ext = extension_of(name)
    kind = sniff(head, allowed, ext)
    if kind is None or (kind.member and not _has_member(upload, kind.member)):
        raise ValidationError(
            _("“%(name)s” is not an allowed file type (allowed: %(types)s).")
            % {"name": name, "types": ", ".join(k.extension for k in allowed)},
            code="type",
        )
    if ext not in kind.extensions:
        raise ValidationError(
            _("“%(name)s” is a %(type)s file, but its name does not end in .%(ext)s. "
              "Send it with its own extension.") % {"name": name, "type": kind.extension.upper(),
                                                    "ext": kind.extension},
            code="extension",
        )
    if kind.is_image:
        _REENCODED[upload] = (kind, images.reencode(upload, kind.mime))
    return kind


def _has_member(upload: Any, member: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _chunks(upload: Any, kind: FileKind) -> Iterable[bytes]:
    if kind.is_image:
        cached = _REENCODED.pop(upload, None)
        return [cached[1] if cached and cached[0] == kind else images.reencode(upload, kind.mime)]
    upload.seek(0)
    chunks: Iterable[bytes] = upload.chunks()
    return chunks


def store(owner: models.Model, upload: Any, *, uploaded_by: Any, kind: FileKind, purpose: str = "") -> Attachment:
    """Write the file (an image re-encoded) under MEDIA_ROOT/attachments/YYYY/MM/ with a random name and record it."""
    chunks = _chunks(upload, kind)  # an image is re-encoded before anything is written
    digest = hashlib.sha256()
    now = timezone.now()
    relative = f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}.{kind.extension}"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(path, "wb") as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return Attachment.objects.create(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk), purpose=purpose,
        name=(upload.name or "file")[:200], path=relative, size=size, mime=kind.mime, sha256=digest.hexdigest(),
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
    )


def for_owner(owner: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk))


def serve(attachment: Attachment) -> FileResponse:
    """The stored file with the type its bytes show: images inline, anything else as a download.

    A file whose bytes no longer match the type recorded at upload is sent as an opaque download.
    """
    handle = open(Path(settings.MEDIA_ROOT) / attachment.path, "rb")
    kind = sniff(handle.read(HEAD), KINDS, extension_of(attachment.path))
    handle.seek(0)
    trusted = kind is not None and kind.mime == attachment.mime
    response = FileResponse(handle, content_type=attachment.mime if trusted else "application/octet-stream",
                            as_attachment=not (trusted and kind is not None and kind.is_image),
                            filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
