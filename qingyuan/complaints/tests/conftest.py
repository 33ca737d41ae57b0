"""Helpers for the complaint tests: a park with coordinates, a solved challenge, a clean cache."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from qingyuan.complaints import ratelimit, sms


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 60, 40)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()  # a real image: uploads are decoded and re-encoded


@pytest.fixture(autouse=True)
def _clean_cache_and_sms(request: Any, settings: Any) -> None:
    wanted = {"db", "transactional_db"} & set(request.fixturenames)
    if wanted:  # the cache lives in the database: clear it once the test has its database
        request.getfixturevalue(wanted.pop())
        cache.clear()
    sms.MemoryBackend.outbox.clear()
    settings.QINGYUAN_SMS_BACKEND = "qingyuan.complaints.sms.MemoryBackend"
    settings.QINGYUAN_COMPLAINT_RATE_LIMIT = 5


@pytest.fixture
def placed(world: Any) -> Any:
    """The persona park placed on the map, with enterprise A and B 1.5 km apart."""
    world.park.longitude, world.park.latitude = Decimal("116.415000"), Decimal("27.835000")
    world.park.boundary = {"type": "Polygon", "coordinates": [[[116.40, 27.82], [116.43, 27.82], [116.43, 27.85],
                                                                [116.40, 27.85], [116.40, 27.82]]]}
    world.park.save()
    world.enterprise_a.longitude, world.enterprise_a.latitude = Decimal("116.405000"), Decimal("27.830000")
    world.enterprise_a.save()
    world.enterprise_b.longitude, world.enterprise_b.latitude = Decimal("116.420000"), Decimal("27.830000")
    world.enterprise_b.save()
    return world


def png(name: str = "photo.png", size: int | None = None) -> SimpleUploadedFile:
    content = PNG if size is None else PNG + b"\x00" * (size - len(PNG))
    return SimpleUploadedFile(name, content, content_type="image/png")


def form_data(**fields: Any) -> dict[str, Any]:
    challenge = ratelimit.new_challenge()
    data = {"category": "odour", "description": "夜里有刺鼻气味", "address": "临江村", "longitude": "",
            "latitude": "", "enterprise": "", "observed_at": "", "name": "", "phone": "", "website": "",
            "challenge": challenge.token, "answer": str(ratelimit.solve(challenge.token))}
    data.update(fields)
    return data


def public_post(client: Any, park: Any, **fields: Any) -> Any:
    return client.post(f"/public/complaints/{park.code}/", form_data(**fields))


def bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
