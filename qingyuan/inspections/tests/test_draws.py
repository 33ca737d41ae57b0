"""The draw screen: who may draw, what is recorded, verification, publication, work items."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from qingyuan.core.models import AuditEntry, Notification
from qingyuan.inspections.models import DrawItem, RandomDraw
from qingyuan.inspections.tests.helpers import second_inspector
from qingyuan.test import make_enterprise


@pytest.fixture
def pool(world):
    second_inspector(world)
    for i in range(4):
        make_enterprise(world.park, f"丙{i}化工有限公司", 10 + i, risk_class="general", status="operating")
    make_enterprise(world.park, "丁化工有限公司", 20, risk_class="general", status="closed")
    return world


def post_draw(client, **fields):
    data = {"title": "三月双随机", "sample_size": "2", "risk_classes": ["general"], "statuses": ["operating"],
            "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat()}
    data.update(fields)
    return client.post("/inspections/draws/", data)


def test_it_draws_from_the_filtered_pools_and_records_the_seed(pool, as_user, django_capture_on_commit_callbacks):
    world = pool
    with django_capture_on_commit_callbacks(execute=True):
        response = post_draw(as_user(world.inspector), seed="00000000000000000000000000000000")
    d = RandomDraw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/draws/{d.pk}/"
    assert re.fullmatch(r"[0-9a-f]{32}", d.seed) and d.seed != "0" * 32  # nobody chooses the seed
    general = sorted(world.park.enterprises.filter(risk_class="general", status="operating").values_list("pk", flat=True))
    assert d.enterprise_pool == general and len(d.inspector_pool) == 2 and d.sample_size == 2
    items = list(d.items.all())
    assert len(items) == 2 and all(i.enterprise_id in general for i in items)
    assert all({i.inspector_1_id, i.inspector_2_id} == set(d.inspector_pool) for i in items)
    entry = AuditEntry.objects.get(action="random_draw.create")
    assert entry.user == world.inspector and entry.after["seed"] == d.seed
    assert entry.after["result"] == [[i.enterprise_id, i.inspector_1_id, i.inspector_2_id] for i in items]
    other = next(u for u in d.inspector_pool if u != world.inspector.pk)
    assert Notification.objects.filter(recipient_id=other, kind="patrol.drawn").exists()
    page = as_user(world.regulator).get(f"/inspections/draws/{d.pk}/").content.decode()
    assert d.seed in page and "fy-random-v1" in page


def test_it_verifies_the_draw_and_shows_tampering(pool, as_user):
    world = pool
    post_draw(as_user(world.inspector))
    d = RandomDraw.objects.get()
    client = as_user(world.supervisor)
    response = client.get(f"/inspections/draws/{d.pk}/verify/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "结果与记录完全一致" in response.content.decode()
    assert "<html" not in response.content.decode()
    item = d.items.first()
    unused = next(pk for pk in d.enterprise_pool if not d.items.filter(enterprise_id=pk).exists())
    DrawItem.objects.filter(pk=item.pk).update(enterprise_id=unused)  # someone edits the database
    page = client.get(f"/inspections/draws/{d.pk}/verify/").content.decode()
    assert "不一致" in page and 'id="verify-failed"' in page


def test_it_refuses_impossible_draws_in_chinese_and_writes_nothing(pool, as_user):
    world = pool
    response = post_draw(as_user(world.inspector), sample_size="9")
    assert response.status_code == 400
    assert "抽取企业数须在 1 至 4 家之间" in response.content.decode()
    response = post_draw(as_user(world.inspector), risk_classes=["higher"])
    assert "没有符合筛选条件的企业" in response.content.decode()
    response = post_draw(as_user(world.inspector), inspectors=[world.inspector.pk])
    assert "检查人员库至少需要两名检查人员" in response.content.decode()
    response = post_draw(as_user(world.inspector), deadline="2001-01-01")
    assert "检查完成期限不能早于今天" in response.content.decode()
    assert not RandomDraw.objects.exists() and not AuditEntry.objects.filter(action="random_draw.create").exists()


def test_it_shows_draws_only_to_park_readers(pool, as_user):
    world = pool
    post_draw(as_user(world.inspector))
    d = RandomDraw.objects.get()
    assert "三月双随机" not in as_user(world.outsider).get("/inspections/draws/").content.decode()
    for user in (world.ent_a, world.ent_b, world.officer, world.township, world.outsider):
        client = as_user(user)
        assert user == world.outsider or client.get("/inspections/draws/").status_code == 404, user
        assert client.get(f"/inspections/draws/{d.pk}/").status_code == 404, user
        assert client.get(f"/inspections/draws/{d.pk}/verify/").status_code == 404, user
        assert client.post(f"/inspections/draws/{d.pk}/publish/").status_code == 404, user
    for user in (world.regulator, world.leader, world.supervisor, world.inspector):
        assert as_user(user).get(f"/inspections/draws/{d.pk}/").status_code == 200, user
    assert as_user(world.supervisor).post("/inspections/draws/", {}).status_code == 403
    assert RandomDraw.objects.count() == 1


def test_it_lets_the_office_publish_a_draw_once(pool, as_user):
    world = pool
    post_draw(as_user(world.inspector))
    d = RandomDraw.objects.get()
    assert as_user(world.inspector).post(f"/inspections/draws/{d.pk}/publish/").status_code == 403
    response = as_user(world.regulator).post(f"/inspections/draws/{d.pk}/publish/")
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.published and d.published_at is not None
    as_user(world.regulator).post(f"/inspections/draws/{d.pk}/publish/")
    assert AuditEntry.objects.filter(action="random_draw.publish").count() == 1


def test_it_puts_the_drawn_enterprises_in_the_inspectors_work_list(pool, as_user):
    world = pool
    post_draw(as_user(world.regulator))
    d = RandomDraw.objects.get()
    page = as_user(world.inspector).get("/work/").content.decode()
    for item in d.items.select_related("enterprise"):
        assert item.enterprise.name in page
        assert f"/inspections/new/?enterprise={item.enterprise_id}&amp;draw_item={item.pk}" in page
    assert "丙" not in as_user(world.officer).get("/work/").content.decode()


def test_it_sends_a_second_patrol_of_an_answered_draw_to_the_first(pool, as_user):
    from qingyuan.inspections.tests.helpers import record

    world = pool
    post_draw(as_user(world.regulator))
    item = RandomDraw.objects.get().items.first()
    patrol = record(world, item.enterprise, draw_item=item)
    assert patrol.kind == "random" and set(patrol.inspectors.values_list("pk", flat=True)) == set(
        RandomDraw.objects.get().inspector_pool)
    response = as_user(world.inspector).get(f"/inspections/new/?enterprise={item.enterprise_id}&draw_item={item.pk}")
    assert response.status_code == 302 and response["Location"] == f"/inspections/{patrol.pk}/"
