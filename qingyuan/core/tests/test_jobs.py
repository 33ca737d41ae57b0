"""The long-job mechanism: submit, the worker step, progress, the download and who may see it."""

from __future__ import annotations

from typing import Any

import pytest

from qingyuan.core import jobs
from qingyuan.core.models import AuditEntry, Job

SEEN: list[tuple[int, int, str]] = []


@jobs.register("test.echo")
def _echo(job: Job, progress: Any) -> None:
    progress(1, 2, "half way")
    SEEN.append((Job.objects.get(pk=job.pk).done, Job.objects.get(pk=job.pk).total, job.message))
    jobs.set_result(job, "echo.txt", job.params["text"].encode(), "text/plain")
    progress(2, 2, "written")


@jobs.register("test.boom")
def _boom(job: Job, progress: Any) -> None:
    progress(1, 4, "starting")
    raise RuntimeError("the chart had no data")


def test_it_queues_a_job_with_an_audit_entry(world: Any) -> None:
    job = jobs.submit("test.echo", params={"text": "你好"}, user=world.regulator, title="回声")
    assert job.status == Job.Status.QUEUED and job.created_by == world.regulator
    entry = AuditEntry.objects.get(action="job.submit", object_id=str(job.pk))
    assert entry.user == world.regulator and entry.after["kind"] == "test.echo"


def test_it_refuses_a_kind_nobody_handles(world: Any) -> None:
    with pytest.raises(ValueError):
        jobs.submit("test.nobody", params={}, user=world.regulator, title="x")
    assert not Job.objects.exists()


def test_it_runs_one_queued_job_per_worker_step_and_reports_progress(world: Any) -> None:
    SEEN.clear()
    first = jobs.submit("test.echo", params={"text": "一"}, user=world.regulator, title="一")
    second = jobs.submit("test.echo", params={"text": "二"}, user=world.regulator, title="二")
    assert jobs.handle_one_job() is True
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Job.Status.DONE and second.status == Job.Status.QUEUED
    assert SEEN == [(1, 2, "half way")]  # the progress row was written while the handler ran
    assert (first.done, first.total, first.percent) == (2, 2, 100)
    assert first.started_at and first.finished_at
    assert first.result.read() == "一".encode()
    assert jobs.handle_one_job() is True
    assert jobs.handle_one_job() is False
    assert AuditEntry.objects.filter(action="job.finish").count() == 2


def test_it_does_not_run_a_job_another_worker_claimed(world: Any) -> None:
    job = jobs.submit("test.echo", params={"text": "x"}, user=world.regulator, title="x")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    jobs.run_now(job)
    assert job.status == Job.Status.RUNNING and not job.result
    assert jobs.handle_one_job() is False


def test_it_records_a_failure_and_shows_it(world: Any, as_user: Any) -> None:
    job = jobs.submit("test.boom", params={}, user=world.regulator, title="失败的任务")
    assert jobs.handle_one_job() is True
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "the chart had no data" and job.finished_at
    assert AuditEntry.objects.get(action="job.fail", object_id=str(job.pk)).message == "the chart had no data"
    page = as_user(world.regulator).get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert page.status_code == 200 and "the chart had no data" in text
    assert "hx-trigger" not in text  # a finished job stops polling
    assert as_user(world.regulator).get(f"/jobs/{job.pk}/download/").status_code == 404


def test_it_polls_while_queued_then_offers_the_download(world: Any, as_user: Any) -> None:
    job = jobs.submit("test.echo", params={"text": "简报"}, user=world.regulator, title="生成简报")
    client = as_user(world.regulator)
    polling = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert polling.status_code == 200
    body = polling.content.decode()
    assert 'hx-trigger="every 1s"' in body and f'hx-get="/jobs/{job.pk}/"' in body and "<html" not in body
    assert "HX-Request" in polling["Vary"]
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404  # not ready yet
    jobs.run_now(job)
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "<html" in done and f"/jobs/{job.pk}/download/" in done and "hx-trigger" not in done
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == "简报".encode()
    assert "echo.txt" in download["Content-Disposition"]


def test_it_shows_a_job_only_to_its_creator_and_superusers(world: Any, as_user: Any) -> None:
    job = jobs.submit("test.echo", params={"text": "x"}, user=world.regulator, title="x")
    jobs.run_now(job)
    for other in (world.leader, world.officer, world.outsider):
        assert as_user(other).get(f"/jobs/{job.pk}/").status_code == 404
        assert as_user(other).get(f"/jobs/{job.pk}/download/").status_code == 404
    assert as_user(None).get(f"/jobs/{job.pk}/download/").status_code in (302, 404)
    world.leader.is_superuser = True
    world.leader.save()
    assert as_user(world.leader).get(f"/jobs/{job.pk}/download/").status_code == 200
