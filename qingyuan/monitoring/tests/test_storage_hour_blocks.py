"""Hour blocks (``hour_series``) where an engineer looks: the storage page's figures and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache

from qingyuan.monitoring import hour_series
from qingyuan.monitoring.models import HourBlock

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("platform-admin", "admin@example.org", "x-pass-1")


@pytest.fixture
def blocks(world):
    """Two valid blocks, one closed period changed since its build, one never built, one open period."""
    now = hour_series.period_of(NOW)
    a, b = world.point_a, world.point_b
    return [
        HourBlock.objects.create(point=a, period=now - 5, version=3, built=3, count=700, data=b"x" * 1234),
        HourBlock.objects.create(point=b, period=now - 5, version=1, built=1, count=20, data=b"y" * 4321),
        HourBlock.objects.create(point=a, period=now - 4, version=4, built=3, count=650, data=b"z" * 999),  # stale
        HourBlock.objects.create(point=b, period=now - 3, version=1, built=0),  # never built
        HourBlock.objects.create(point=a, period=now, version=2, built=0),  # open: not waiting yet
    ]


def test_it_shows_the_hour_blocks_figures_on_the_storage_page(blocks, admin, as_user):
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        response = as_user(admin).get("/monitoring/storage/")

    assert response.status_code == 200
    page = response.content.decode()
    part = page[page.index('id="storage-hour-blocks"'):page.index('id="storage-holds"')]
    assert "小时数据读取块" in page and "数据块有效的周期" in part and "待生成数据块的已结束周期" in part
    cells = [c.split(">")[-1] for c in part.split("</td>")[:-1]]
    assert cells == ["2", "720", "5555", "2"]  # valid blocks, their readings, their data bytes, waiting


def test_it_shows_zeros_when_no_hour_block_exists(world, admin, as_user):
    cache.clear()
    page = as_user(admin).get("/monitoring/storage/").content.decode()
    part = page[page.index('id="storage-hour-blocks"'):page.index('id="storage-holds"')]
    assert [c.split(">")[-1] for c in part.split("</td>")[:-1]] == ["0", "0", "0", "0"]


def test_it_lists_hour_blocks_read_only_in_the_admin_without_their_data(blocks, admin, as_user):
    client = as_user(admin)
    block = blocks[0]

    listing = client.get("/admin/monitoring/hourblock/")
    change = client.get(f"/admin/monitoring/hourblock/{block.pk}/change/")

    assert listing.status_code == 200
    text = listing.content.decode()
    assert f"/admin/monitoring/hourblock/{block.pk}/change/" in text and "小时数据块" in text
    start = dt.datetime.fromtimestamp(hour_series.PERIOD_SECONDS * block.period, dt.UTC).date()
    assert f"{start:%Y}年{start.month}月{start.day}日" in text or start.isoformat() in text
    assert "icon-yes" in text and "icon-no" in text  # valid and outdated blocks
    assert change.status_code == 200 and "xxxx" not in change.content.decode()
    assert client.get("/admin/monitoring/hourblock/add/").status_code == 403
    assert client.post(f"/admin/monitoring/hourblock/{block.pk}/delete/", {"post": "yes"}).status_code == 403
    assert HourBlock.objects.filter(pk=block.pk).exists()
