"""Each legal clock with frozen time: acceptance, handling, extension, review request and answer,
and closing after the feedback window."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from qingyuan.complaints import actions, sms
from qingyuan.complaints.models import Complaint, ComplaintPolicy
from qingyuan.complaints.tests.helpers import register, submit
from qingyuan.core.models import TransitionRecord
from qingyuan.core.work import Colour
from qingyuan.core.workflow import TransitionError
from qingyuan.tasks import actions as tasks_actions

CST = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=CST)


def test_it_starts_the_acceptance_clock_on_the_day_after_receipt(world):
    with time_machine.travel(at("2026-03-01", 23), tick=False):
        c = submit(world.park, address="x")
    assert (c.received_on, c.accept_deadline) == (dt.date(2026, 3, 1), dt.date(2026, 3, 16))
    ComplaintPolicy.objects.create(park=world.park, accept_days=7, handle_days=30)
    with time_machine.travel(at("2026-03-01"), tick=False):
        c2 = submit(world.park, address="y")
        petition = register(world, case_type="petition", channel="letter")
    # the park's enforcement deadline: 03-08 is a Sunday, a rest day, so the period ends on Monday 03-09
    # (民法典 第二百零三条)
    assert c2.accept_deadline == dt.date(2026, 3, 9)
    assert petition.accept_deadline == dt.date(2026, 3, 16)     # 信访工作条例: always 15 days


def test_it_starts_the_handling_clock_at_acceptance(world):
    ComplaintPolicy.objects.create(park=world.park, handle_days=30)
    with time_machine.travel(at("2026-03-01"), tick=False):
        complaint = submit(world.park, address="x")
        petition = register(world, case_type="petition", channel="visit")
    with time_machine.travel(at("2026-03-05"), tick=False):
        actions.do_accept_complaint(complaint, unit=world.bureau, acting_user=world.regulator)
        actions.do_accept_complaint(petition, unit=world.bureau, acting_user=world.regulator)
    # 30 days end on 04-04, the first day of 清明节 (04-04..04-06 in the 2026 notice): the period ends on 04-07
    assert (complaint.accepted_on, complaint.handle_deadline) == (dt.date(2026, 3, 5), dt.date(2026, 4, 7))
    # 60 days end on 05-04, inside 劳动节 (05-01..05-05): the period ends on 05-06 (民法典 第二百零三条)
    assert petition.handle_deadline == dt.date(2026, 5, 6)
    assert petition.assignment.deadline == dt.date(2026, 5, 6) and petition.assignment.issued_on == dt.date(2026, 3, 5)


def test_it_extends_a_petition_once_by_thirty_days_with_approval(world, django_capture_on_commit_callbacks):
    with time_machine.travel(at("2026-03-01"), tick=False):
        p = register(world, case_type="petition", channel="letter", phone="13900000009")
        actions.do_accept_complaint(p, unit=world.bureau, acting_user=world.regulator)
        actions.do_start_handling(p, acting_user=world.officer)
    assert p.handle_deadline == dt.date(2026, 4, 30)
    with time_machine.travel(at("2026-04-20"), tick=False):
        with pytest.raises(TransitionError):
            actions.do_decide_extension(p, acting_user=world.regulator, approve=True)  # nothing requested
        with pytest.raises(TransitionError):
            actions.do_request_extension(p, acting_user=world.regulator, reason="x")   # the unit asks, not the office
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_request_extension(p, acting_user=world.officer, reason="需要第三方检测")
        assert world.regulator.notifications.filter(kind="complaint.extension").exists()
        # 04-30 + 30 日 = Saturday 05-30, a rest day: the extended period ends on Monday 06-01
        # (信访工作条例 extension of at most 30 日; 民法典 第二百零三条)
        assert p.assignment.extensions.get().new_deadline == dt.date(2026, 6, 1)
        with pytest.raises(TransitionError):
            actions.do_decide_extension(p, acting_user=world.officer, approve=True)    # not the unit's decision
        actions.do_decide_extension(p, acting_user=world.leader, approve=True, reason="同意延期")
    p.refresh_from_db()
    assert (p.handle_deadline, p.extended, p.extension_requested) == (dt.date(2026, 6, 1), True, False)
    assert p.assignment.deadline == dt.date(2026, 6, 1)
    assert TransitionRecord.objects.get(transition="approve_extension", workflow="complaint").user == world.leader
    assert p.sms.filter(text__contains="2026-06-01").exists()
    with pytest.raises(TransitionError):
        actions.do_request_extension(p, acting_user=world.officer, reason="再延")  # only once


def test_it_records_whether_the_reply_came_by_the_end_of_the_last_day(world):
    with time_machine.travel(at("2026-03-01"), tick=False):
        a = submit(world.park, enterprise=world.enterprise_a)
        b = submit(world.park, enterprise=world.enterprise_a, address="另一处")
        actions.do_accept_complaint(b, unit=world.bureau, acting_user=world.regulator)
    assert a.handle_deadline == b.handle_deadline == dt.date(2026, 4, 30)
    with time_machine.travel(at("2026-04-30", 23), tick=False):
        actions.do_reply_complaint(a, acting_user=world.officer, reply="已处理")
    with time_machine.travel(at("2026-05-01", 0), tick=False):
        actions.do_reply_complaint(b, acting_user=world.officer, reply="已处理")
    assert (a.replied_on_time, b.replied_on_time) == (True, False)
    assert a.assignment.status == "completed"  # the reply completes the assignment


def test_it_colours_the_running_deadline_on_the_escalation_ladder(world):
    with time_machine.travel(at("2026-03-01"), tick=False):
        c = submit(world.park, address="x")
    assert c.colour(dt.date(2026, 3, 12)) == Colour.NONE
    assert c.colour(dt.date(2026, 3, 13)) == Colour.BLUE     # 3 days before the acceptance deadline
    assert c.colour(dt.date(2026, 3, 16)) == Colour.YELLOW   # due (催办)
    assert c.colour(dt.date(2026, 3, 19)) == Colour.RED      # 3 days overdue (督办)


def _replied(world, day="2026-06-01"):
    with time_machine.travel(at("2026-05-01"), tick=False):
        c = submit(world.park, enterprise=world.enterprise_a, phone="13900000003")
        actions.do_start_handling(c, acting_user=world.officer)
    with time_machine.travel(at(day), tick=False):
        actions.do_reply_complaint(c, acting_user=world.officer, reply="已核查，未发现超标排放。")
        while sms.send_one():  # the reply's text message is delivered the same day: the receipt
            pass
    c.refresh_from_db()
    assert (c.reply_received_on, c.reply_receipt) == (dt.date.fromisoformat(day), "sms")
    return c


def test_it_opens_a_review_within_thirty_days_of_the_reply_with_its_own_clock(world, client):
    c = _replied(world)
    with time_machine.travel(at("2026-07-01", 22), tick=False):  # the 30th day after the reply
        response = client.post(f"/public/complaints/track/{c.code}/rate/", {
            "rating": "dissatisfied", "comment": "气味仍然很大", "request_review": "on", "pin": c.pin})
        assert response.status_code == 302
    c.refresh_from_db()
    review = c.reviews.get()
    assert (c.status, c.rating, c.assignment.status) == ("closed", "dissatisfied", "completed")
    assert (review.review_level, review.status, review.received_on, review.handle_deadline) == (
        1, "received", dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert review.description == "气味仍然很大" and review.phone == "13900000003"
    with time_machine.travel(at("2026-07-02"), tick=False):
        actions.do_accept_complaint(review, unit=world.township_unit, acting_user=world.regulator)
    review.refresh_from_db()
    assert review.handle_deadline == dt.date(2026, 7, 31)  # answered within 30 days of the request
    assert review.assignment.deadline == dt.date(2026, 7, 31)
    with pytest.raises(TransitionError):
        actions.do_request_extension(review, acting_user=world.township, reason="x")  # a review has no extension


def test_it_refuses_a_review_after_the_window(world, client):
    c = _replied(world)
    with time_machine.travel(at("2026-07-02", 0), tick=False):
        response = client.post(f"/public/complaints/track/{c.code}/rate/", {
            "rating": "dissatisfied", "comment": "不满意", "request_review": "on", "pin": c.pin})
    assert response.status_code == 400
    c.refresh_from_db()
    assert c.rating == "" and c.status == "replied" and not Complaint.objects.filter(review_of=c).exists()


def test_it_allows_one_review_and_one_re_review_and_nothing_more(world):
    c = _replied(world)
    with time_machine.travel(at("2026-06-02"), tick=False):
        actions.do_rate_complaint(c, rating="dissatisfied", comment="不满意")
        review = actions.do_request_review(c, reason="复查请求")
        with pytest.raises(TransitionError):
            actions.do_request_review(c, reason="再来一次")
        actions.do_accept_complaint(review, unit=world.township_unit, acting_user=world.regulator)
        actions.do_reply_complaint(review, acting_user=world.township, reply="复查意见：维持原答复")
        while sms.send_one():  # delivered: the receipt starts the next review period
            pass
        review.refresh_from_db()
        actions.do_rate_complaint(review, rating="dissatisfied")
        re_review = actions.do_request_review(review, reason="申请复核")
        assert re_review.review_level == 2 and re_review.get_review_level_display()
        actions.do_accept_complaint(re_review, unit=world.bureau, acting_user=world.regulator)
        actions.do_reply_complaint(re_review, acting_user=world.officer, reply="复核意见")
        while sms.send_one():  # delivered: the receipt starts the next review period
            pass
        re_review.refresh_from_db()
        actions.do_rate_complaint(re_review, rating="dissatisfied")
        with pytest.raises(TransitionError):
            actions.do_request_review(re_review, reason="第三次")


def test_it_closes_a_replied_complaint_when_the_feedback_window_passes(world):
    c = _replied(world)
    with time_machine.travel(at("2026-07-01", 23), tick=False):
        assert actions.close_one() is False
    with time_machine.travel(at("2026-07-02", 1), tick=False):
        assert actions.close_one() is True
        assert actions.close_one() is False
    c.refresh_from_db()
    assert c.status == "closed" and c.rating == "" and c.assignment.status == "completed"
    record = TransitionRecord.objects.get(transition="close")
    assert record.user is None and record.user_name == ""


def test_it_mirrors_an_extension_the_office_approved_on_the_assignment(world):
    with time_machine.travel(at("2026-03-01"), tick=False):
        p = register(world, case_type="petition", channel="letter")
        actions.do_accept_complaint(p, unit=world.bureau, acting_user=world.regulator)
        actions.do_start_handling(p, acting_user=world.officer)
        actions.do_request_extension(p, acting_user=world.officer, reason="需要检测")
        assert actions.mirror_extension_one() is False  # still pending
        tasks_actions.do_decide_extension(p.assignment, acting_user=world.regulator, approve=True, reason="同意")
        assert actions.mirror_extension_one() is True
    p.refresh_from_db()
    assert (p.extended, p.extension_requested, p.handle_deadline) == (True, False, dt.date(2026, 6, 1))
    record = TransitionRecord.objects.get(workflow="complaint", transition="approve_extension")
    assert record.user is None and record.reason == "同意"
