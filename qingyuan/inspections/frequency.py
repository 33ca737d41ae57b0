"""How often an enterprise is patrolled: a pure function of risk class, status and recent pressure.

The rule is a ladder of intervals. The enterprise's risk class picks its starting
rung, its lifecycle status moves it, and recent pressure (complaints, open
assignments and, later, alarms and rebound flags; see ``services.recent_pressure``)
moves it towards more frequent patrols. docs/inspections.md has the table.

    LADDER (days)      90  60  30  14   7   3   1
    rung                0   1   2   3   4   5   6

    start:   general → 2 (30 d)   higher → 3 (14 d)   major → 4 (7 d)
    status:  operating, rectified +0 · rectifying +1 · suspended −1
             closed, relocated, transformed: rung 1 (60 d) whatever the risk class
    pressure (events in the last 90 days): 0 → +0 · 1–2 → +1 · 3–5 → +2 · 6 or more → +3
    the rung is kept within 0..6
"""

from __future__ import annotations

LADDER: tuple[int, ...] = (90, 60, 30, 14, 7, 3, 1)
START = {"general": 2, "higher": 3, "major": 4}
STATUS_STEP = {"operating": 0, "rectified": 0, "rectifying": 1, "suspended": -1}
# No production should happen any more: a check against rebound every 60 days, whatever the risk class.
DORMANT_STATUSES = frozenset({"closed", "relocated", "transformed"})
DORMANT_RUNG = 1
PRESSURE_WINDOW_DAYS = 90
MIN_DAYS, MAX_DAYS = 1, 365


def pressure_steps(pressure: int) -> int:
    if pressure <= 0:
        return 0
    if pressure <= 2:
        return 1
    if pressure <= 5:
        return 2
    return 3


def patrol_interval(risk_class: str, status: str, pressure: int = 0) -> int:
    """Days between two patrols of an enterprise; raises ValueError for an unknown risk class or status."""
    if risk_class not in START:
        raise ValueError(f"unknown risk class {risk_class!r}")
    if status in DORMANT_STATUSES:
        rung = DORMANT_RUNG
    elif status in STATUS_STEP:
        rung = START[risk_class] + STATUS_STEP[status]
    else:
        raise ValueError(f"unknown status {status!r}")
    rung += pressure_steps(pressure)
    return LADDER[max(0, min(rung, len(LADDER) - 1))]
