"""Building blocks for the patrol tests: a second inspector, checklist answers, a photo, a posted form."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qingyuan.inspections import actions, checklists
from qingyuan.inspections.demo import _png
from qingyuan.org.choices import Role
from qingyuan.test import make_user

PNG = _png((200, 60, 60))


def second_inspector(world: Any) -> Any:
    return make_user("inspector2", world.park, Role.INSPECTOR, name="巡查员乙")


def photo(name: str = "现场.png", content: bytes = PNG, mime: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, mime)


def answers(enterprise: Any, problem: str | None = None) -> tuple[str, dict[str, dict[str, str]]]:
    checklist = checklists.checklist_for(enterprise)
    return checklist.key, {k: {"answer": "problem" if k == problem else "ok", "note": ""} for k in checklist.keys}


def form_data(enterprise: Any, **overrides: Any) -> dict[str, Any]:
    """What the patrol form posts for an all-compliant patrol at the enterprise's park."""
    key, given = answers(enterprise)
    now = timezone.now()
    data: dict[str, Any] = {
        "started_at": (now - dt.timedelta(minutes=40)).isoformat(), "finished_at": now.isoformat(),
        "latitude": "27.835100", "longitude": "116.412200", "gps_accuracy_m": "12", "gps_at": now.isoformat(),
        "checklist_key": key, "kind": "planned", "notes": "现场检查，生产正常。", "internal_notes": "企业负责人态度消极。",
    }
    data.update({f"item-{k}": v["answer"] for k, v in given.items()})
    data.update(overrides)
    return data


def record(world: Any, enterprise: Any = None, *, findings: list[dict[str, str]] | None = None, **kwargs: Any) -> Any:
    enterprise = enterprise or world.enterprise_a
    key, given = answers(enterprise, problem=(findings or [{}])[0].get("checklist_item"))
    now = timezone.now()
    defaults: dict[str, Any] = {
        "enterprise": enterprise, "acting_user": world.inspector, "started_at": now - dt.timedelta(hours=1),
        "finished_at": now - dt.timedelta(minutes=10), "checklist_key": key, "checklist": given,
        "notes": "例行巡查。", "internal_notes": "内部备注：疑似夜间偷排。", "findings": findings or [],
    }
    defaults.update(kwargs)
    return actions.do_record_patrol(**defaults)


def big_file(size: int) -> SimpleUploadedFile:
    buffer = io.BytesIO(PNG + b"\x00" * (size - len(PNG)))
    return SimpleUploadedFile("大图.png", buffer.getvalue(), "image/png")
