"""The way to briefings: the menu entry for the roles that may see them, and the drafting job's link."""

from __future__ import annotations

from typing import Any

import time_machine

from qingyuan.briefings import jobs as briefing_jobs
from qingyuan.briefings.models import Briefing
from qingyuan.briefings.tests import county
from qingyuan.core import jobs
from qingyuan.core.models import Job

MENU = 'id="nav-briefings"'


def test_it_shows_the_briefings_menu_entry_only_to_roles_that_may_see_briefings(world: Any, as_user: Any) -> None:
    for user in (world.regulator, world.leader, world.officer, world.township):
        page = as_user(user).get("/").content.decode()
        assert MENU in page and 'href="/briefings/"' in page, user
    for user in (world.ent_a, world.ent_b):  # enterprises see no briefing (the outsider sees its own park's)
        assert MENU not in as_user(user).get("/").content.decode(), user


@time_machine.travel("2026-04-10 10:00 +0800", tick=False)
def test_it_links_the_finished_drafting_job_to_the_new_briefing(world: Any, as_user: Any) -> None:
    county.month(world)
    client = as_user(world.regulator)
    client.post("/briefings/new/", {"kind": "monthly"})
    job = Job.objects.get(kind=briefing_jobs.DRAFT)
    assert "job-open" not in client.get(f"/jobs/{job.pk}/").content.decode()  # nothing to open yet
    assert jobs.handle_one_job() is True
    briefing = Briefing.objects.get()
    page = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert f'class="btn btn-outline-primary btn-sm mt-3 job-open" href="/briefings/{briefing.pk}/"' in page
    assert "查看生成结果" in page and "hx-trigger" not in page
    assert client.get(f"/briefings/{briefing.pk}/").status_code == 200
