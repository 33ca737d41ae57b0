"""/api/v1/assessment: results of a scheme, with the pages' access rules."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["assessment"])
