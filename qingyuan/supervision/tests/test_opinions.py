"""A member files an opinion with attachments to a unit, the unit answers, the member rates the answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.core import attachments
from qingyuan.core.models import AuditEntry, Notification
from qingyuan.supervision.models import Opinion
from qingyuan.supervision.tests.helpers import member, opinion

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def m(world):
    return member(world)


def test_it_files_an_opinion_with_an_attachment_and_tells_the_unit(world, m, as_user):
    response = as_user(world.supervisor).post("/supervision/new/", {
        "subject": "雨水排口异常", "unit": world.bureau.pk, "text": "甲企业雨水排口有黄色液体。",
        "files": [SimpleUploadedFile("照片说明.pdf", PDF, content_type="application/pdf")]})
    o = Opinion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/{o.pk}/"
    year = timezone.localdate().year
    assert o.number == f"监督〔{year}〕1号" and o.status == "filed" and o.unit == world.bureau
    assert o.deadline == timezone.localdate() + dt.timedelta(days=15) and o.next_escalation_at is not None
    assert [a.name for a in attachments.for_owner(o)] == ["照片说明.pdf"]
    entry = AuditEntry.objects.get(action="opinion.file")
    assert entry.user == world.supervisor and entry.after["files"] == 1
    assert list(Notification.objects.filter(kind="opinion.filed").values_list("recipient", flat=True)) == [
        world.officer.pk]
    page = as_user(world.supervisor).get(f"/supervision/{o.pk}/").content.decode()
    assert "雨水排口异常" in page and "照片说明.pdf" in page


def test_it_refuses_an_oversized_attachment_with_a_clear_message_and_files_nothing(world, m, as_user):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    response = as_user(world.supervisor).post("/supervision/new/", {
        "subject": "大文件", "unit": world.bureau.pk, "text": "附件过大", "files": [big]})
    assert response.status_code == 400
    assert "“big.pdf” is 10.0 MB; the limit is 10 MB." in response.content.decode() or \
        "big.pdf" in response.content.decode() and "10 MB" in response.content.decode()
    assert not Opinion.objects.exists() and not AuditEntry.objects.filter(action="opinion.file").exists()


@pytest.mark.parametrize(("field", "data", "message"), [
    ("subject", {"subject": ""}, "This field is required"),
    ("unit", {"unit": "999999"}, "Choose a unit of the group"),
    ("deadline", {"deadline": "today+2"}, "at least 5 days"),
    ("deadline", {"deadline": "today+120"}, "within 90 days"),
])
def test_it_refuses_bad_input_field_by_field(world, m, as_user, settings, field, data, message):
    settings.LANGUAGE_CODE = "en"
    post = {"subject": "主题", "unit": world.bureau.pk, "text": "内容"}
    post.update(data)
    if str(post.get("deadline", "")).startswith("today+"):
        post["deadline"] = (timezone.localdate() + dt.timedelta(days=int(post["deadline"][6:]))).isoformat()
    response = as_user(world.supervisor).post("/supervision/new/", post, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Opinion.objects.exists()


def test_it_lets_only_serving_members_file(world, as_user):
    assert as_user(world.supervisor).get("/supervision/new/").status_code == 404  # no Member row yet
    assert as_user(world.regulator).get("/supervision/new/").status_code == 404
    m = member(world)
    assert as_user(world.supervisor).get("/supervision/new/").status_code == 200
    m.term_end = timezone.localdate() - dt.timedelta(days=1)
    m.save()
    assert as_user(world.supervisor).get("/supervision/new/").status_code == 404


def test_it_lets_the_unit_answer_and_the_member_rate(world, m, as_user):
    o = opinion(world, m)
    # Only the addressed unit answers; the member cannot answer their own opinion.
    assert as_user(world.supervisor).post(f"/supervision/{o.pk}/answer/", {"answer": "自答"}).status_code == 400
    assert as_user(world.officer).post(f"/supervision/{o.pk}/answer/", {"answer": ""}).status_code == 400
    response = as_user(world.officer).post(f"/supervision/{o.pk}/answer/", {"answer": "已现场核查，责令整改。"})
    assert response.status_code == 302
    o.refresh_from_db()
    assert o.status == "answered" and o.answer == "已现场核查，责令整改。" and o.answered_by == world.officer
    assert o.next_escalation_at is None
    assert Notification.objects.filter(kind="opinion.answered", recipient=world.supervisor).count() == 1
    # The unit cannot rate; "not satisfied" needs a comment.
    assert as_user(world.officer).post(f"/supervision/{o.pk}/rate/", {"rating": "satisfied"}).status_code == 400
    refused = as_user(world.supervisor).post(f"/supervision/{o.pk}/rate/", {"rating": "not_satisfied"})
    assert refused.status_code == 400
    o.refresh_from_db()
    assert o.status == "answered" and o.rating == ""
    response = as_user(world.supervisor).post(f"/supervision/{o.pk}/rate/",
                                              {"rating": "basically", "comment": "整改期限请明确"})
    assert response.status_code == 302
    o.refresh_from_db()
    assert (o.status, o.rating, o.rating_comment) == ("rated", "basically", "整改期限请明确")
    assert set(AuditEntry.objects.filter(object_id=str(o.pk), object_type__model="opinion")
               .values_list("action", flat=True)) >= {"opinion.file", "opinion.answer", "opinion.rate",
                                                       "opinion.rating"}
    told = set(Notification.objects.filter(kind="opinion.rated").values_list("recipient", flat=True))
    assert told == {world.officer.pk, world.regulator.pk}
    page = as_user(world.officer).get(f"/supervision/{o.pk}/").content.decode()
    assert "整改期限请明确" in page and 'data-rating="basically"' in page


def test_it_puts_the_opinion_in_the_units_work_list(world, m, as_user):
    o = opinion(world, m)
    page = as_user(world.officer).get("/work/").content.decode()
    assert o.number in page
    assert o.number not in as_user(world.township).get("/work/").content.decode()
