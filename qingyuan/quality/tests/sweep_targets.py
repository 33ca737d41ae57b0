"""Scope-sweep targets for the quality routes added by issue 15 (see qingyuan/demo/tests/sweep_routes.py)."""

from __future__ import annotations

from qingyuan.demo.tests.sweep_routes import POINT, Target

TARGETS: dict[str, Target] = {
    "quality/points/<int:pk>/checks/": POINT,
    "quality/points/<int:pk>/checks/new/": POINT,
}
