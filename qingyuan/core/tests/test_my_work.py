import datetime as dt

import pytest

from qingyuan.core import work
from qingyuan.core.work import Colour, WorkItem


@pytest.fixture
def provider():
    def items(user):
        if user.username != "officer":
            return []
        return [
            WorkItem("a", "交办单", "按时完成的事", "/a/", "办理", dt.date(2026, 12, 30)),
            WorkItem("a", "交办单", "挂牌督办的事", "/b/", "办理", dt.date(2026, 10, 1), Colour.RED),
            WorkItem("a", "交办单", "快到期的事", "/c/", "办理", dt.date(2026, 12, 1), Colour.BLUE),
        ]

    work.register_provider(items)
    yield items
    work._PROVIDERS.remove(items)


def test_it_lists_work_most_urgent_first(world, as_user, provider):
    page = as_user(world.officer).get("/work/").content.decode()
    assert page.index("挂牌督办的事") < page.index("快到期的事") < page.index("按时完成的事")
    assert "border-danger" in page and "border-primary" in page


def test_it_shows_nothing_of_other_peoples_work(world, as_user, provider):
    page = as_user(world.ent_b).get("/work/").content.decode()
    assert "挂牌督办的事" not in page and "没有等待您处理的事项" in page
