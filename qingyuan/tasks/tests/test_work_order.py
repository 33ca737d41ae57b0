"""My work: overdue first, then the escalation level, then the deadline; what is new is marked; the home counts it."""

import datetime as dt
import re

from django.utils import timezone

from qingyuan.tasks.models import Assignment
from qingyuan.tasks.tests.conftest import issue


def _aged(a: Assignment, *, days_old: int = 3, deadline_in: int | None = None, level: int = 0) -> None:
    today = timezone.localdate()
    updates = {"created_at": timezone.now() - dt.timedelta(days=days_old), "escalation_level": level}
    if deadline_in is not None:
        updates["deadline"] = today + dt.timedelta(days=deadline_in)
    Assignment.objects.filter(pk=a.pk).update(**updates)


def test_it_orders_my_work_by_overdue_then_escalation_then_deadline_and_marks_the_new(world, as_user):
    soon = issue(world, subject="两天后到期", days=2)
    _aged(soon)
    urged = issue(world, subject="已催办未逾期", days=5)
    _aged(urged, level=2)
    late_reminded = issue(world, subject="逾期一天已提醒", days=1)
    _aged(late_reminded, deadline_in=-1, level=1)
    late = issue(world, subject="逾期三天", days=1)
    _aged(late, deadline_in=-3)
    issue(world, subject="刚交办的事项", days=10)  # created now: new

    response = as_user(world.officer).get("/work/")
    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r'<a class="list-group-item[^"]*" href="/tasks/\d+/">(.*?)</a>', page, re.S)
    subjects = [re.search(r"交办〔\d+〕\d+号 ([^<\s]+)", r).group(1) for r in rows]
    assert subjects == ["逾期一天已提醒", "逾期三天", "已催办未逾期", "两天后到期", "刚交办的事项"]
    new = [s for s, r in zip(subjects, rows, strict=True) if "work-new" in r]
    assert new == ["刚交办的事项"]
    assert [s for s, r in zip(subjects, rows, strict=True) if "work-overdue" in r] == ["逾期一天已提醒", "逾期三天"]


def test_the_home_counts_the_same_items_as_my_work(world, as_user):
    for i in range(3):
        issue(world, subject=f"事项{i}", days=3 + i)
    client = as_user(world.officer)
    listed = client.get("/work/").context["items"]
    home = client.get("/").context["work_items"]
    assert len(listed) == len(home) == 3 and [i.url for i in home] == [i.url for i in listed]
