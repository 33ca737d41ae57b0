"""work_items(user): what waits on each persona, with the escalation colour."""

import datetime as dt

from django.utils import timezone

from qingyuan.core.work import Colour
from qingyuan.tasks import actions
from qingyuan.tasks.models import Assignment
from qingyuan.tasks.services import work_items
from qingyuan.tasks.tests.conftest import fresh, in_state, issue


def labels(user):
    return [(i.title.split(" ", 1)[1], str(i.action_label)) for i in work_items(user)]


def test_each_persona_gets_what_waits_on_them(world):
    to_sign = issue(world, subject="待签收事项", days=20)
    in_state(world, "in_progress", subject="办理中事项", days=30)
    sent_back = in_state(world, "submitted", subject="退回事项", days=10)
    actions.do_verify_assignment(sent_back, acting_user=world.regulator, accept=False, reason="补材料")
    in_state(world, "submitted", subject="待核验事项", days=5)
    in_state(world, "returned", subject="已退回事项", days=15)
    ext = in_state(world, "in_progress", subject="申请延期事项", days=8)
    actions.do_request_extension(ext, acting_user=world.officer, new_deadline=ext.deadline + dt.timedelta(days=3),
                                 reason="忙")
    late = in_state(world, "in_progress", subject="挂牌事项", days=1)
    Assignment.objects.filter(pk=late.pk).update(escalation_level=4)
    in_state(world, "completed", subject="已办结事项")

    assert labels(world.officer) == [
        ("挂牌事项", "报送进展或办结"),          # red first
        ("申请延期事项", "报送进展或办结"),
        ("退回事项", "整改后重新报送"),
        ("待签收事项", "签收"),
        ("办理中事项", "报送进展或办结"),
    ]
    assert labels(world.regulator) == [("待核验事项", "核验办结情况"), ("申请延期事项", "审批延期申请"),
                                       ("已退回事项", "改交或撤回")]
    assert labels(world.leader) == [("挂牌事项", "挂牌督办：跟踪督促"), ("待核验事项", "核验办结情况"),
                                    ("申请延期事项", "审批延期申请"), ("已退回事项", "改交或撤回")]
    for persona in ("township", "ent_a", "supervisor", "inspector", "outsider"):
        assert work_items(getattr(world, persona)) == [], persona
    item = work_items(world.officer)[0]
    assert item.kind == "assignment" and item.colour == Colour.RED and item.url == f"/tasks/{late.pk}/"
    assert item.deadline == fresh(late).deadline and str(item.kind_label) == "交办单"
    assert to_sign.deadline == timezone.localdate() + dt.timedelta(days=20)


def test_work_items_take_a_constant_number_of_queries(world, django_assert_max_num_queries):
    for i in range(10):
        in_state(world, "submitted", subject=f"事项{i}")
    world.leader._qingyuan_actor = None
    with django_assert_max_num_queries(4):
        assert len(work_items(world.leader)) == 10
