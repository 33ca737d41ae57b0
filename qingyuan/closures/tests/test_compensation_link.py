"""The closure case page links its compensation case when there is one (and only then)."""

from __future__ import annotations

from qingyuan.closures.tests.helpers import open_case
from qingyuan.compensation import actions as compensation


def test_it_links_the_compensation_case_only_when_there_is_one(world, as_user):
    case = open_case(world)
    client = as_user(world.regulator)
    before = client.get(f"/closures/{case.pk}/")
    assert before.status_code == 200 and 'id="compensation-link"' not in before.content.decode()

    comp = compensation.do_open_case(case, acting_user=world.regulator)

    page = client.get(f"/closures/{case.pk}/").content.decode()
    assert f'href="/compensation/{comp.pk}/" id="compensation-link"' in page
    assert "补偿回购案件" in page
