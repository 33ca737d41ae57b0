"""Duplicates: close in place, time and category to an open complaint; staff merge them, and every
merged complainant follows the same case and hears the same replies."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qingyuan.complaints import actions, duplicates, sms
from qingyuan.complaints.models import Complaint
from qingyuan.complaints.tests.helpers import handled_and_replied, submit
from qingyuan.core.models import AuditEntry
from qingyuan.core.workflow import TransitionError
from qingyuan.tasks.models import Assignment

T0 = dt.datetime(2026, 6, 1, 20, 0, tzinfo=dt.UTC)


def test_it_suggests_close_open_complaints_of_the_same_category(placed):
    with time_machine.travel(T0, tick=False):
        first = submit(placed.park, longitude="116.4105", latitude="27.8400", address="", phone="13900000001")
    assert first.status == "received"  # nothing nearby: the office triages it
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        second = submit(placed.park, longitude="116.4110", latitude="27.8405", address="", phone="13900000002")
        far = submit(placed.park, longitude="116.4250", latitude="27.8480", address="")
        noise = submit(placed.park, category="noise", longitude="116.4106", latitude="27.8401", address="")
    with time_machine.travel(T0 + dt.timedelta(days=4), tick=False):
        late = submit(placed.park, longitude="116.4106", latitude="27.8401", address="")
    found = duplicates.for_complaint(second)
    assert [c.complaint for c in found] == [first]
    assert 60 < found[0].distance_m < 80 and found[0].hours_apart == pytest.approx(5)
    assert duplicates.for_complaint(far) == [] and duplicates.for_complaint(noise) == []
    assert duplicates.for_complaint(late) == []  # four days later: outside the 72-hour window


def test_it_suggests_complaints_about_the_same_enterprise_and_holds_them_for_the_office(placed):
    first = submit(placed.park, enterprise=placed.enterprise_a)
    assert first.status == "accepted"
    second = submit(placed.park, enterprise=placed.enterprise_a, address="另一个村")
    assert second.status == "received"  # a likely duplicate is not accepted automatically
    assert [c.complaint for c in duplicates.for_complaint(second)] == [first]
    assert duplicates.for_complaint(second)[0].same_enterprise


def test_it_merges_a_duplicate_and_the_complainant_follows_the_case(placed, client, as_user,
                                                                      django_capture_on_commit_callbacks):
    case = submit(placed.park, enterprise=placed.enterprise_a, name="张三", phone="13900000001")
    dup = submit(placed.park, enterprise=placed.enterprise_a, name="李四", phone="13900000002")
    response = as_user(placed.regulator).post(f"/complaints/{dup.pk}/act/merge/", {"into": case.code})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert (dup.status, dup.merged_into, dup.handling_unit, dup.assignment) == (
        "merged", case, case.handling_unit, case.assignment)
    assert Assignment.objects.count() == 1
    assert AuditEntry.objects.filter(action="complaint.merge", object_id=str(case.pk)).exists()
    assert AuditEntry.objects.filter(action="complaint.merge", related_id=str(dup.pk)).exists()

    handled_and_replied(placed, case, reply="已责令企业停产整改。")
    assert sorted(sms.SmsMessage.objects.filter(text__contains="已责令").values_list("phone", flat=True)) == [
        "13900000001", "13900000002"]  # both complainants get the reply

    html = client.get(f"/public/complaints/track/{dup.code}/").content.decode()
    assert "已责令企业停产整改" in html and "县环保局" in html and case.code not in html
    for secret in ("张三", "李四", "13900000001", "13900000002", "企业法人已约谈"):
        assert secret not in html
    body = client.get(f"/api/v1/complaints/track/{dup.code}").json()
    assert body["merged"] is True and body["reply"] == "已责令企业停产整改。" and body["can_rate"] is True
    assert not any(secret in str(body) for secret in ("张三", "李四", "1390000000", "约谈", case.code))

    client.post(f"/public/complaints/track/{dup.code}/rate/", {"rating": "basically_satisfied", "pin": dup.pin})
    dup.refresh_from_db()
    case.refresh_from_db()
    assert (dup.status, dup.rating, case.status) == ("merged", "basically_satisfied", "replied")


def test_it_merges_into_the_root_case_and_withdraws_the_duplicates_own_assignment(placed):
    case = submit(placed.park, enterprise=placed.enterprise_a)
    other = submit(placed.park, enterprise=placed.enterprise_b)  # accepted with its own assignment
    actions.do_merge_complaint(other, into=case, acting_user=placed.regulator, reason="同一事件")
    other.refresh_from_db()
    assert other.merged_into == case and Assignment.objects.get(pk=other.assignment_id) == case.assignment
    assert Assignment.objects.filter(status="withdrawn").count() == 1
    third = submit(placed.park, address="x")
    actions.do_merge_complaint(third, into=other, acting_user=placed.regulator)  # into a merged one: its case
    third.refresh_from_db()
    assert third.merged_into == case


def test_it_refuses_merges_by_others_and_into_itself_or_finished_cases(placed):
    case = submit(placed.park, enterprise=placed.enterprise_a)
    dup = submit(placed.park, enterprise=placed.enterprise_a)
    with pytest.raises(TransitionError):
        actions.do_merge_complaint(dup, into=case, acting_user=placed.officer)
    with pytest.raises(ValidationError):
        actions.do_merge_complaint(dup, into=dup, acting_user=placed.regulator)
    actions.do_not_accept_complaint(dup, acting_user=placed.regulator, reason="不属于环保")
    again = submit(placed.park, address="y")
    with pytest.raises(ValidationError):
        actions.do_merge_complaint(again, into=dup, acting_user=placed.regulator)
    assert Complaint.objects.filter(status="merged").count() == 0
