"""Every staff page renders for a manager and a reader, in Chinese, with a constant number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qingyuan.surveys import actions
from qingyuan.surveys.tests.conftest import new_round, questions, village


def _pages(r, v, batch):
    return ["/surveys/", "/surveys/villages/", "/surveys/results/", f"/surveys/{r.pk}/",
            f"/surveys/villages/{v.pk}/", f"/surveys/{r.pk}/batches/{batch.pk}/"]


def test_it_renders_every_page_for_the_office_and_the_reader_in_chinese(world, as_user):
    v = village(world, "临江村")
    r = new_round(world)
    batch = actions.do_create_batch(r, v, number="P-1", acting_user=world.regulator)
    q = questions(r)
    actions.do_enter_paper_responses(batch, [({str(q["satisfaction"].pk): [1]}, 1)], acting_user=world.regulator)
    office = as_user(world.regulator)
    for url in _pages(r, v, batch):
        page = office.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert "满意度调查" in html or "抽样框" in html or "纸质问卷批次" in html, url
        assert "Satisfaction" not in html and "survey_round" not in html, url
    reader = as_user(world.supervisor)
    for url in _pages(r, v, batch)[:4]:
        assert reader.get(url).status_code == 200, url
    assert reader.get(f"/surveys/villages/{v.pk}/").status_code == 404
    assert reader.get(f"/surveys/{r.pk}/batches/{batch.pk}/").status_code == 404
    assert 'id="new-round"' not in reader.get("/surveys/").content.decode()
    outsider = as_user(world.outsider)
    for url in _pages(r, v, batch):
        assert as_user(world.ent_a).get(url).status_code == 404, url
        page = outsider.get(url)  # their own park's lists (empty), never ours
        assert page.status_code == 404 or ("临江村" not in page.content.decode() and r.title not in
                                           page.content.decode()), url


def test_it_lists_rounds_villages_and_results_in_constant_queries(world, as_user):
    client = as_user(world.regulator)
    small = village(world, "临江村")
    new_round(world, status="closed")

    def counts():
        out = []
        for url in ("/surveys/", "/surveys/villages/", "/surveys/results/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx))
        return out

    before = counts()
    for i in range(4):
        village(world, f"新村{i}", order=i + 2)
    year = new_round(world, status="closed").year
    new_round(world, year=year - 1, status="closed")
    assert counts() == before, small
