"""Staff pages: the board (filters, colours, query count), staff intake, the detail page in every state,
and the work items for "my work"."""

import datetime as dt

from qingyuan.complaints import actions, services
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.conftest import png
from qingyuan.complaints.tests.helpers import handled_and_replied, submit
from qingyuan.complaints.tests.helpers import received as reply_received
from qingyuan.core import attachments
from qingyuan.tasks.models import Assignment


def test_it_keeps_the_board_query_count_flat(world, as_user, django_assert_max_num_queries):
    for i in range(30):
        submit(world.park, enterprise=world.enterprise_a if i % 2 else None, address=f"村{i}")
    client = as_user(world.regulator)
    client.get("/complaints/")
    with django_assert_max_num_queries(25) as few:
        client.get("/complaints/", {"status": "received"})
    with django_assert_max_num_queries(25) as many:
        client.get("/complaints/", {"q": ""})
    assert len(few.captured_queries) == len(many.captured_queries)


def test_it_filters_the_board_and_answers_htmx_with_the_table_only(world, as_user):
    a = submit(world.park, enterprise=world.enterprise_a)
    b = submit(world.park, category="noise", address="镇上")
    client = as_user(world.regulator)
    html = client.get("/complaints/", {"category": "noise"}).content.decode()
    assert b.code in html and a.code not in html
    partial = client.get("/complaints/", {"status": "accepted"}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="complaint-table">')
    assert a.code in partial.content.decode() and "Vary" in partial and "HX-Request" in partial["Vary"]
    assert b.code in client.get("/complaints/", {"q": b.code.lower()}).content.decode()
    far_future = client.get("/complaints/", {"due": "overdue"}).content.decode()
    assert a.code not in far_future


def test_it_registers_a_letter_from_the_staff_form(world, as_user):
    response = as_user(world.regulator).post("/complaints/new/", {
        "case_type": "petition", "channel": "letter", "received_at": "2026-11-20T09:00", "category": "other",
        "description": "来信反映搬迁补偿", "address": "石桥村", "name": "周九", "phone": "0797-8123456",
        "township": world.township_unit.pk, "trackable": "on", "photos": [png()]})
    c = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/complaints/{c.pk}/"
    assert (c.case_type, c.channel, c.received_on, c.accept_deadline) == (
        "petition", "letter", dt.date(2026, 11, 20), dt.date(2026, 12, 7))  # 12-05 is a Saturday: Monday
    assert c.created_by == world.regulator and attachments.for_owner(c).count() == 1
    bad = as_user(world.regulator).post("/complaints/new/", {"case_type": "petition", "channel": "letter",
                                                              "received_at": "2030-01-01T00:00", "category": "other",
                                                              "description": "x", "address": "y"})
    assert bad.status_code == 400 and Complaint.objects.count() == 1


def test_it_renders_the_detail_page_in_every_state(world, as_user):
    client = as_user(world.regulator)
    received = submit(world.park, address="x")
    accepted = submit(world.park, enterprise=world.enterprise_a, address="y")
    replied = handled_and_replied(world, submit(world.park, enterprise=world.enterprise_b, address="z"),
                                  unit_user=world.township)
    closed = reply_received(handled_and_replied(world, submit(world.park, address="w")))
    actions.do_rate_complaint(closed, rating="dissatisfied", comment="不满意", request_review=True)
    returned = submit(world.park, address="v")
    actions.do_accept_complaint(returned, unit=world.bureau, acting_user=world.regulator)
    actions.do_return_complaint(returned, acting_user=world.officer, reason="非我局", suggested_unit=world.township_unit)
    refused = submit(world.park, address="u")
    actions.do_not_accept_complaint(refused, acting_user=world.regulator, reason="属于劳动纠纷")
    merged = submit(world.park, address="t")
    actions.do_merge_complaint(merged, into=accepted, acting_user=world.regulator)
    review = closed.reviews.get()
    for c in (received, accepted, replied, closed, returned, refused, merged, review):
        response = client.get(f"/complaints/{c.pk}/")
        assert response.status_code == 200, c.status
        assert c.code in response.content.decode()
    assert "accept" in client.get(f"/complaints/{received.pk}/").content.decode()
    officer_view = as_user(world.officer).get(f"/complaints/{accepted.pk}/").content.decode()
    assert "/act/start/" in officer_view and "/act/return/" in officer_view and "/act/accept/" not in officer_view


def test_it_lists_the_work_waiting_on_the_office_and_the_unit(world, as_user):
    waiting = submit(world.park, address="x")
    routed = submit(world.park, enterprise=world.enterprise_a)
    office = {i.title.split()[0] for i in services.work_items(world.regulator)}
    assert office == {waiting.code}
    assert services.work_items(world.officer) == []  # the assignment stands for it on "my work"
    assert services.work_items(world.supervisor) == [] and services.work_items(world.ent_a) == []
    page = as_user(world.officer).get("/work/").content.decode()
    assert routed.reference in page  # the assignment's subject names the complaint without its code
    Assignment.objects.filter(pk=routed.assignment_id).update(status="completed")  # done on the tasks side
    assert [i.title.split()[0] for i in services.work_items(world.officer)] == [routed.code]
