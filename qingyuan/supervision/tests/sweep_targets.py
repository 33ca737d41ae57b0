"""Scope-sweep targets for the supervision group's routes (see qingyuan/demo/tests/sweep_routes.py)."""

from __future__ import annotations

from typing import Any

from qingyuan.demo.tests.sweep_routes import Target, _all, _attachments, _first, _pk, _visible, _wf

OPINION = Target(_all("supervision.Opinion"), _pk, _visible("supervision.Opinion"))
PARTICIPATION = Target(_all("supervision.Participation"), _pk, _visible("supervision.Participation"))


def _opinion_files() -> Any:
    return _attachments("supervision.Opinion")()


def _opinion_files_visible(user: Any) -> Any:
    from qingyuan.supervision.models import Opinion

    ids = [str(pk) for pk in Opinion.objects.visible_to(user).values_list("pk", flat=True)]
    return _opinion_files().filter(owner_id__in=ids)


def _managed_members(user: Any) -> Any:
    from qingyuan.supervision.access import managed_parks
    from qingyuan.supervision.models import Member

    return Member.objects.filter(park__in=managed_parks(user))


TARGETS: dict[str, Target] = {
    "supervision/<int:pk>/": OPINION, "supervision/<int:pk>/answer/": OPINION,
    "supervision/<int:pk>/rate/": OPINION, "supervision/<int:pk>/withdraw/": OPINION,
    "supervision/<int:pk>/files/<int:attachment_id>/": Target(
        _opinion_files, lambda a: {"pk": int(a.owner_id), "attachment_id": a.pk}, _opinion_files_visible,
        parent="pk"),
    "supervision/members/<int:pk>/": Target(_all("supervision.Member"), _pk, _managed_members),
    "supervision/participation/<int:pk>/sign/": PARTICIPATION,
    "supervision/participation/<int:pk>/<slug:name>/": Target(
        PARTICIPATION.pick, lambda o: {"pk": o.pk, "name": _first(
            _wf("qingyuan.supervision.workflow.PARTICIPATIONS"), o.status, "accept")}, PARTICIPATION.visible),
}


def seed(users: dict[str, Any]) -> None:
    """A PDF on two opinions (one to the bureau, one to the township), so file routes have a sample each way."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qingyuan.core import attachments
    from qingyuan.supervision.models import Opinion

    for opinion in Opinion.objects.order_by("unit_id", "pk").distinct()[:5]:
        if attachments.for_owner(opinion).exists():
            continue
        upload = SimpleUploadedFile("现场照片说明.pdf", b"%PDF-1.4\n%sweep\n", content_type="application/pdf")
        attachments.store(opinion, upload, uploaded_by=opinion.member.user, kind=attachments.KINDS[0],
                          purpose="opinion")
