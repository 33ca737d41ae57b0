"""Scope-sweep targets for the survey routes (see qingyuan/demo/tests/sweep_routes.py)."""

from __future__ import annotations

from typing import Any

from qingyuan.demo.tests.sweep_routes import Target, _all, _first, _pk, _under, _visible, _wf


def _village_of(r: Any) -> int:
    from qingyuan.surveys.models import Village

    v = Village.objects.filter(park_id=r.park_id, is_active=True).order_by("pk").first()
    return v.pk if v else 0


def _public(user: Any) -> Any:
    from qingyuan.surveys.models import Round

    return Round.objects.exclude(status="draft")  # the link works for anyone once the round is open


ROUND = Target(_all("surveys.Round"), _pk, _visible("surveys.Round"))
ROUND_VILLAGE = Target(ROUND.pick, lambda r: {"pk": r.pk, "village_pk": _village_of(r), "fmt": "svg"}, ROUND.visible)
PUBLIC = Target(ROUND.pick, lambda r: {"code": r.code, "village_pk": _village_of(r)}, _public)

TARGETS: dict[str, Target] = {
    "surveys/<int:pk>/": ROUND, "surveys/<int:pk>/edit/": ROUND, "surveys/<int:pk>/questions/": ROUND,
    "surveys/<int:pk>/paper.xlsx": ROUND, "surveys/<int:pk>/batches/": ROUND,
    "surveys/<int:pk>/act/<slug:name>/": Target(
        ROUND.pick, lambda r: {"pk": r.pk, "name": _first(_wf("qingyuan.surveys.workflow.ROUNDS"), r.status, "open")},
        ROUND.visible),
    "surveys/<int:pk>/villages/<int:village_pk>/qr.<str:fmt>": ROUND_VILLAGE,
    "surveys/<int:pk>/villages/<int:village_pk>/notice/": ROUND_VILLAGE,
    "surveys/<int:pk>/questions/<int:question_pk>/delete/": Target(
        _all("surveys.Question"), lambda q: {"pk": q.round_id, "question_pk": q.pk},
        _under("surveys.Question", "round", "surveys.Round"), parent="pk"),
    "surveys/<int:pk>/batches/<int:batch_pk>/": Target(
        _all("surveys.PaperBatch"), lambda b: {"pk": b.round_id, "batch_pk": b.pk},
        _under("surveys.PaperBatch", "round", "surveys.Round"), parent="pk"),
    "surveys/<int:pk>/batches/<int:batch_pk>/upload/": Target(
        _all("surveys.PaperBatch"), lambda b: {"pk": b.round_id, "batch_pk": b.pk},
        _under("surveys.PaperBatch", "round", "surveys.Round"), parent="pk"),
    "surveys/villages/<int:pk>/": Target(_all("surveys.Village"), _pk, _visible("surveys.Village")),
    "public/surveys/<slug:code>/<int:village_pk>/": PUBLIC,
    "public/surveys/<slug:code>/<int:village_pk>/code/": PUBLIC,
    "public/surveys/<slug:code>/<int:village_pk>/phone/": PUBLIC,
    "public/surveys/<slug:code>/<int:village_pk>/thanks/": PUBLIC,
}


def seed(users: Any) -> None:
    """A draft round only managers see (the demo's rounds are both closed)."""
    from django.utils import timezone

    from qingyuan.surveys import actions
    from qingyuan.surveys.models import Round, Village

    office = users["office"]
    park = Village.objects.values_list("park", flat=True).first()
    if park is None or Round.objects.filter(status="draft").exists():
        return
    from qingyuan.org.models import Park

    today = timezone.localdate()
    actions.do_create_round(Park.objects.get(pk=park), {"title": "专项调查（草稿）", "kind": "ad_hoc", "year": today.year,
                                                        "opens_on": today, "closes_on": today, "intro": ""},
                            acting_user=office)
