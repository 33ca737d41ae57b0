"""Helpers for the assignment tests: issue through the action, move through states, PNG bytes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.core.tests.photos import plain_png
from qingyuan.tasks import actions
from qingyuan.tasks.models import Assignment

PNG = plain_png()  # a real image: uploads are decoded and re-encoded


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def issue(world: Any, *, by: Any = None, unit: Any = None, days: int = 10, **fields: Any) -> Assignment:
    defaults: dict[str, Any] = {
        "park": world.park, "assignee_unit": unit or world.bureau, "subject": "甲化工废水预处理设施整改",
        "requirements": "完成废水预处理设施提标改造并报送监测报告。", "enterprise": world.enterprise_a,
        "deadline": timezone.localdate() + dt.timedelta(days=days),
    }
    defaults.update(fields)
    return actions.do_issue_assignment(acting_user=by or world.regulator, **defaults)


def fresh(a: Assignment) -> Assignment:
    return Assignment.objects.get(pk=a.pk)


# How to bring an assignment of world.bureau into each state (by the people who may).
def in_state(world: Any, state: str, **fields: Any) -> Assignment:
    a = issue(world, **fields)
    if state == "issued":
        return a
    if state == "returned":
        actions.do_return_assignment(a, acting_user=world.officer, reason="不属于本单位职责",
                                     suggested_unit=world.township_unit)
        return fresh(a)
    if state == "withdrawn":
        actions.do_withdraw_assignment(a, acting_user=world.regulator, reason="已由其他渠道解决")
        return fresh(a)
    actions.do_sign_assignment(a, acting_user=world.officer)
    if state == "in_progress":
        return fresh(a)
    actions.do_submit_assignment(fresh(a), acting_user=world.officer, text="已完成整改")
    if state == "submitted":
        return fresh(a)
    actions.do_verify_assignment(fresh(a), acting_user=world.regulator, accept=True)
    assert state == "completed"
    return fresh(a)


@pytest.fixture
def assignment(world: Any) -> Assignment:
    return issue(world)
