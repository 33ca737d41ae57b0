"""Who sees a meeting and its materials: the office, leaders, the invited people and units. Others: 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qingyuan.meetings import actions
from qingyuan.meetings.models import Meeting
from qingyuan.meetings.tests.factory import held_with_decisions, meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_it_shows_materials_to_invitees_only_and_404s_for_an_uninvited_unit(world, as_user):
    m = meeting(world, units=("bureau",))
    item = actions.do_add_item(m, title="提标改造方案", acting_user=world.regulator)
    att = actions.do_add_material(item, upload=SimpleUploadedFile("方案.pdf", PDF, "application/pdf"),
                                  acting_user=world.regulator)
    url = f"/meetings/{m.pk}/materials/{att.pk}/"
    got = as_user(world.officer).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert as_user(world.regulator).get(url).status_code == 200
    for outsider in (world.township, world.outsider, world.ent_a, world.inspector):
        client = as_user(outsider)
        assert client.get(url).status_code == 404, outsider
        assert client.get(f"/meetings/{m.pk}/").status_code == 404, outsider
    other = meeting(world, units=("township_unit",), title="另一会议")
    assert as_user(world.township).get(f"/meetings/{other.pk}/materials/{att.pk}/").status_code == 404


def test_it_lets_only_the_office_write_and_an_invitee_only_reply(world, as_user):
    m = meeting(world)
    officer = as_user(world.officer)
    assert officer.post(f"/meetings/{m.pk}/items/", {"title": "偷加议题"}).status_code == 404
    assert officer.post(f"/meetings/{m.pk}/transition/", {"name": "hold"}).status_code == 404
    assert m.items.count() == 0 and Meeting.objects.get(pk=m.pk).status == "notified"
    assert officer.post(f"/meetings/{m.pk}/reply/", {"response": "confirmed"}).status_code == 302
    assert m.invitations.get(user=world.officer).response == "confirmed"


def test_it_renders_the_meeting_page_calendar_and_files(world, as_user, django_assert_max_num_queries):
    m = held_with_decisions(world, 2)
    client = as_user(world.regulator)
    with django_assert_max_num_queries(60):
        page = client.get(f"/meetings/{m.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "第1项：限期完成整改并报送佐证材料" in body and "园区污水处理厂提标改造" in body
    assert m.title in client.get("/meetings/").content.decode()
    ics = as_user(world.officer).get(f"/meetings/{m.pk}/meeting.ics")
    text = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar") and "DTSTART:20260310T010000Z" in text
    assert "BEGIN:VEVENT" in text and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert as_user(world.officer).get(f"/meetings/{m.pk}/minutes.docx").status_code == 404  # not issued yet
    assert client.get(f"/meetings/{m.pk}/minutes.docx").status_code == 200
    qr = client.get(f"/meetings/{m.pk}/qr/")
    assert qr.status_code == 200 and "<svg" in qr.content.decode()
    assert as_user(world.officer).get(f"/meetings/{m.pk}/qr/").status_code == 404


def test_it_escapes_calendar_text_per_rfc_5545():
    from qingyuan.meetings.ics import escape, fold

    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "领导小组会议" * 10)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "领导小组会议" * 10
