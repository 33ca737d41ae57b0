"""An enterprise's whole story on its page: what is wrong now, its data, and what was done about it.

``gather(enterprise, user)`` collects the sections the apps above enterprises registered
(``enterprises.page``: alarms, assignments, complaints, patrols, plans, loads, monitoring values,
the closure case), each scoped by that app's ``visible_to(user)`` (an enterprise user sees its own
rows, a unit officer what its unit sees, a reader of the park everything), adds the enterprise's
readable history, and returns the page's context. Each section has a fixed number of queries,
whatever the number of points, alarms or assignments, so the page costs the same for a small
plant and a large one (test_story_page asserts it).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from qingyuan.core import audit
from qingyuan.core.audit_display import readable
from qingyuan.enterprises import page
from qingyuan.enterprises.lifecycle import LIFECYCLE
from qingyuan.enterprises.models import Enterprise

HISTORY_ROWS = 30


def _visible_entries(entries: list[Any], user: Any) -> list[Any]:
    """Entries about objects the user may see: a model with ``visible_to`` (patrol plans, patrols, alarms ...)
    is asked once for the ids among the entries; the enterprise's own registry rows have no rule of their own."""
    ids_by_type: dict[int, set[str]] = defaultdict(set)
    for e in entries:
        ids_by_type[e.object_type_id].add(e.object_id)
    hidden: set[tuple[int, str]] = set()
    for type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        manager = getattr(model, "objects", None)
        if model is None or not hasattr(manager, "visible_to"):
            continue
        seen = {str(pk) for pk in manager.visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True)}
        hidden |= {(type_id, i) for i in ids - seen}
    return [e for e in entries if (e.object_type_id, e.object_id) not in hidden]


def _history(enterprise: Enterprise, user: Any) -> list[Any]:
    entries = list(audit.trail(enterprise)[:HISTORY_ROWS * 3])
    return readable(_visible_entries(entries, user)[:HISTORY_ROWS], workflows=[LIFECYCLE])


def gather(enterprise: Enterprise, user: Any) -> dict[str, Any]:
    """The sections of the enterprise page, each scoped by its app's ``visible_to(user)``."""
    today = timezone.localdate()
    return {
        **page.sections(enterprise, user, today),
        "readable_history": _history(enterprise, user),
        "story_today": today,
    }
