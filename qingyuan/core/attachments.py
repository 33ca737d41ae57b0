"""Uploaded evidence and attachments, stored outside the web root and served only after an access check.

An attachment belongs to any domain object (generic relation). The file type is
decided from the file's first bytes, not from its name or the browser's claim, and
must be on the allowed list; size is capped. Downloads go through the owning app's
view, which checks access to the owner and then calls ``serve``.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingyuan.core.models import Attachment

MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str
    magic: tuple[bytes, ...]


KINDS = [
    FileKind("application/pdf", "pdf", (b"%PDF-",)),
    FileKind("image/jpeg", "jpg", (b"\xff\xd8\xff",)),
    FileKind("image/png", "png", (b"\x89PNG\r\n\x1a\n",)),
    FileKind("image/webp", "webp", (b"RIFF",)),
    # Office Open XML (docx, xlsx) are zip files; the extension tells which.
    FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", (b"PK\x03\x04",)),
    FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", (b"PK\x03\x04",)),
]
IMAGE_KINDS = [k for k in KINDS if k.mime.startswith("image/")]


def detect(head: bytes, filename: str, allowed: list[FileKind]) -> FileKind | None:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    for kind in allowed:
        if any(head.startswith(m) for m in kind.magic):
            if kind.magic == (b"PK\x03\x04",) and ext != kind.extension:
                continue
            if kind.mime == "image/webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def validate_upload(upload: Any, *, allowed: list[FileKind] | None = None, max_bytes: int = MAX_BYTES) -> FileKind:
    """Raise a ValidationError naming the problem, or return the file's kind."""
    allowed = allowed or KINDS
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": upload.name, "size": upload.size / 1048576, "limit": max_bytes // 1048576},
            code="size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = detect(head, upload.name or "", allowed)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not an allowed file type (allowed: %(types)s).")
            % {"name": upload.name, "types": ", ".join(k.extension for k in allowed)},
            code="type",
        )
    return kind


def store(owner: models.Model, upload: Any, *, uploaded_by: Any, kind: FileKind, purpose: str = "") -> Attachment:
    """Write the file under MEDIA_ROOT/attachments/YYYY/MM/ with a random name and record it."""
    digest = hashlib.sha256()
    now = timezone.now()
    relative = f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}.{kind.extension}"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(path, "wb") as out:
        for chunk in upload.chunks():
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
    path = Path(settings.MEDIA_ROOT) / attachment.path
    response = FileResponse(open(path, "rb"), content_type=attachment.mime, as_attachment=True,
                            filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
