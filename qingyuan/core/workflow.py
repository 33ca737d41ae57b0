"""One declarative state machine for every status in Qingyuan.

A workflow lists its states (a ``TextChoices``) and its transitions: where each may
start, where it leads, which roles may fire it, and whether it needs a reason or an
effective date. Apps declare their workflow once and fire transitions through
``fire``, which checks the rule, moves the state with an optimistic update (so two
people acting at once cannot both win), and writes the transition record and the
audit entry. Roles are plain strings that each app derives for a user and an object
(``office``, ``leader``, ``linked_unit``, ``owner`` ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from qingyuan.core import audit
from qingyuan.core.models import TransitionRecord


class TransitionError(Exception):
    """A transition was refused; ``message`` says why, in the user's language."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: Any = ""
    reason_required: bool = False
    date_required: bool = False
    style: str = "primary"

    def allows(self, roles: Collection[str]) -> bool:
        return bool(self.roles.intersection(roles))


def transition(
    name: str,
    sources: Iterable[str],
    target: str,
    *,
    roles: Iterable[str],
    label: Any = "",
    reason: bool = False,
    date: bool = False,
    style: str = "primary",
) -> Transition:
    return Transition(
        name=name,
        sources=frozenset(sources),
        target=target,
        roles=frozenset(roles),
        label=label or name,
        reason_required=reason,
        date_required=date,
        style=style,
    )


@dataclass
class Workflow:
    name: str
    states: type[models.TextChoices]
    transitions: list[Transition]
    state_field: str = "status"
    # Conditions beyond state and role, per transition: ``guard(obj)`` returns why it is refused now, or None.
    guards: dict[str, Callable[[Any], str | None]] = field(default_factory=dict)
    _by_name: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = set(self.states.values)
        self._by_name = {}
        for t in self.transitions:
            unknown = (t.sources | {t.target}) - values
            if unknown:
                raise ValueError(f"workflow {self.name}: transition {t.name} names unknown states {unknown}")
            if t.name in self._by_name:
                raise ValueError(f"workflow {self.name}: transition {t.name} declared twice")
            self._by_name[t.name] = t

    def label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def get(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def available(self, state: str, roles: Collection[str]) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources and t.allows(roles)]

    def refusal(self, obj: Any, name: str) -> str | None:
        """Why transition ``name`` is refused for ``obj`` now by its guard (state and role aside), or None."""
        guard = self.guards.get(name)
        return guard(obj) if guard is not None else None

    def possible(self, obj: Any, roles: Collection[str]) -> list[Transition]:
        """What these roles may fire on ``obj`` now: ``available`` for its state, less what a guard refuses.
        Pages offer these, so a button is never shown for an action that would be refused."""
        return [t for t in self.available(getattr(obj, self.state_field), roles) if self.refusal(obj, t.name) is None]

    def check(
        self,
        state: str,
        name: str,
        roles: Collection[str],
        *,
        reason: str = "",
        effective_date: dt.date | None = None,
    ) -> Transition:
        t = self._by_name.get(name)
        if t is None:
            raise TransitionError(_("Unknown action “%(name)s”.") % {"name": name}, code="unknown")
        if state not in t.sources:
            raise TransitionError(
                _("“%(action)s” is not possible while the status is “%(state)s”.")
                % {"action": t.label, "state": self.states(state).label},
                code="state",
            )
        if not t.allows(roles):
            raise TransitionError(
                _("Your role may not perform “%(action)s”.") % {"action": t.label}, code="role"
            )
        if t.reason_required and not reason.strip():
            raise TransitionError(_("A reason is required for “%(action)s”.") % {"action": t.label}, code="reason")
        if t.date_required and effective_date is None:
            raise TransitionError(
                _("An effective date is required for “%(action)s”.") % {"action": t.label}, code="date"
            )
        return t


def fire(
    workflow: Workflow,
    obj: models.Model,
    name: str,
    *,
    roles: Collection[str],
    acting_user: Any,
    reason: str = "",
    effective_date: dt.date | None = None,
    data: dict[str, Any] | None = None,
    extra_updates: dict[str, Any] | None = None,
) -> TransitionRecord:
    """Check and apply transition ``name`` to ``obj``; write its record and audit entry.

    The state moves with ``UPDATE ... WHERE state = <the state we read>``: if someone
    else moved it first, nothing changes and the caller gets a TransitionError.
    """
    state_field = workflow.state_field
    current = getattr(obj, state_field)
    t = workflow.check(current, name, roles, reason=reason, effective_date=effective_date)
    updates = {state_field: t.target, **(extra_updates or {})}
    with transaction.atomic():
        moved = type(obj)._default_manager.filter(pk=obj.pk, **{state_field: current}).update(**updates)
        if moved != 1:
            raise TransitionError(_("The status changed meanwhile; reload and try again."), code="conflict")
        for key, value in updates.items():
            setattr(obj, key, value)
        record = TransitionRecord.objects.create(
            workflow=workflow.name,
            object_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            transition=t.name,
            from_state=current,
            to_state=t.target,
            reason=reason.strip(),
            effective_date=effective_date,
            user=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            user_name=audit.user_name(acting_user),
            data=data or {},
        )
        audit.record(
            f"{workflow.name}.{t.name}",
            obj,
            acting_user=acting_user,
            before={state_field: current},
            after={state_field: t.target, **({"effective_date": effective_date} if effective_date else {})},
            message=reason.strip(),
        )
    return record


def history(obj: models.Model) -> models.QuerySet[TransitionRecord]:
    return TransitionRecord.objects.filter(
        object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("time", "id")


__all__ = ["Transition", "TransitionError", "Workflow", "fire", "history", "transition"]
