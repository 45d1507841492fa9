from __future__ import annotations

from typing import Any

from ..models import ModerationEvent


def event_log(
    *,
    action: str,
    actor: Any = None,
    submission: Any = None,
    essay: Any = None,
    takedown: Any = None,
    note: str = "",
) -> ModerationEvent:
    """Record a decision: what, about which upload, essay or request, by whom (None: the system)."""
    return ModerationEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        submission=submission,
        essay=essay if essay is not None else getattr(submission, "essay", None),
        takedown=takedown,
        note=note,
    )
