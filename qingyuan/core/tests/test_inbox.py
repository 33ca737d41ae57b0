from django.db import transaction

from qingyuan.core.models import Notification
from qingyuan.core.notify import notify


def test_it_delivers_only_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify([world.regulator, world.regulator, None], kind="k", title="交办提醒")
            assert Notification.objects.count() == 0
    assert Notification.objects.filter(recipient=world.regulator, title="交办提醒").count() == 1


def test_it_shows_the_unread_badge_and_marks_read(world, as_user):
    note = Notification.objects.create(recipient=world.regulator, kind="k", title="请处理", url="/enterprises/")
    client = as_user(world.regulator)
    page = client.get("/enterprises/").content.decode()
    assert 'id="unread-badge">1<' in page
    response = client.post(f"/inbox/{note.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/enterprises/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="unread-badge"' not in client.get("/inbox/").content.decode()


def test_it_hides_other_peoples_notifications(world, as_user):
    note = Notification.objects.create(recipient=world.regulator, kind="k", title="机密")
    client = as_user(world.ent_b)
    assert client.post(f"/inbox/{note.pk}/read/").status_code == 404
    assert "机密" not in client.get("/inbox/").content.decode()
    note.refresh_from_db()
    assert note.read_at is None
