"""The meetings' routes for the scope sweep: a meeting follows Meeting.visible_to (the office, leaders,
invitees and officers of invited units); a material follows its item's meeting, and is paired with
other meetings too (parent "pk"). ``seed`` adds a material, which the demo has none of."""

from __future__ import annotations

from typing import Any

from qingyuan.demo.tests.sweep_routes import Target


def _meetings() -> Any:
    from qingyuan.meetings.models import Meeting

    return Meeting.objects.all()


def _visible(user: Any) -> Any:
    from qingyuan.meetings.models import Meeting

    return Meeting.objects.visible_to(user)


def _materials() -> Any:
    from qingyuan.core.models import Attachment

    return Attachment.objects.filter(owner_type__app_label="meetings", owner_type__model="agendaitem")


def _material_kwargs(att: Any) -> dict[str, Any]:
    from qingyuan.meetings.models import AgendaItem

    return {"pk": AgendaItem.objects.get(pk=att.owner_id).meeting_id, "attachment_id": att.pk}


def _visible_materials(user: Any) -> Any:
    from qingyuan.meetings.models import AgendaItem, Meeting

    items = AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(user)).values_list("pk", flat=True)
    return _materials().filter(owner_id__in=[str(i) for i in items])


MEETING = Target(_meetings, lambda m: {"pk": m.pk}, _visible)

TARGETS = {
    f"meetings/<int:pk>/{tail}": MEETING for tail in (
        "", "reply/", "transition/", "minutes.docx", "meeting.ics", "qr/", "sign-in/", "signed-in/", "items/",
        "items/minutes/", "items/material/", "items/report/", "decisions/", "decisions/remove/", "carry-over/",
        "presence/", "correct/")
}
TARGETS["meetings/<int:pk>/materials/<int:attachment_id>/"] = Target(_materials, _material_kwargs,
                                                                     _visible_materials, parent="pk")


def seed(users: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qingyuan.meetings import actions
    from qingyuan.meetings.models import AgendaItem

    item = AgendaItem.objects.filter(meeting__title__startswith="领导小组第1次").first()
    if item is not None:
        actions.do_add_material(item, upload=SimpleUploadedFile("会议材料.pdf", b"%PDF-1.4\n%%EOF\n"),
                                acting_user=users["office"])
