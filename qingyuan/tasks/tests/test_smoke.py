from qingyuan.tasks.tests.conftest import in_state, png


def test_it_runs_the_whole_loop_through_the_pages(world, as_user, django_capture_on_commit_callbacks):
    office, unit = as_user(world.regulator), as_user(world.officer)
    r = office.get("/tasks/new/")
    assert r.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = office.post("/tasks/new/", {"park": world.park.pk, "assignee_unit": world.bureau.pk, "subject": "整改",
                                        "requirements": "做", "deadline": "2099-01-01", "priority": "normal"})
    assert r.status_code == 302, r.content.decode()
    url = r["Location"]
    assert office.get(url).status_code == 200
    assert unit.get(url).status_code == 200
    for name, data in [("sign", {}), ("report_progress", {"percent": 30, "text": "进行中", "files": png()}),
                       ("request_extension", {"new_deadline": "2099-02-01", "reason": "工期"})]:
        r = unit.post(f"{url}do/{name}/", data)
        assert r.status_code == 302, (name, r.content.decode())
    r = office.post(f"{url}do/approve_extension/", {})
    assert r.status_code == 302
    r = unit.post(f"{url}do/submit/", {"text": "完成", "files": png()})
    assert r.status_code == 302
    r = office.post(f"{url}do/accept/", {})
    page = office.get(url).content.decode()
    assert "已办结" in page or "Completed" in page, page
    assert office.get("/tasks/").status_code == 200
    assert office.get("/tasks/export.xlsx").status_code == 200
    assert office.get("/tasks/listed/").status_code == 200
    assert office.get("/tasks/policy/").status_code == 200
    assert office.get("/tasks/checks/").status_code == 200
    assert office.get("/tasks/checks/new/").status_code == 200
    for state in ["issued", "returned", "withdrawn", "in_progress", "submitted", "completed"]:
        a = in_state(world, state)
        assert a.status == state
        assert office.get(f"/tasks/{a.pk}/").status_code == 200
