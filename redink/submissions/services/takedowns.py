"""Takedown requests from rights holders, and what moderators do with them. Every step is logged."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from redink.catalogue.models import Essay

from ..models import ModerationEvent, TakedownRequest
from .events import event_log
from .moderation import ModerationError, essay_retire
from .notify import notify_takedown_requester


def takedown_file(*, essay: Essay, name: str, email: str, claim: str, original_url: str = "") -> TakedownRequest:
    with transaction.atomic():
        takedown = TakedownRequest.objects.create(
            essay=essay, name=name.strip(), email=email.strip(), claim=claim.strip(), original_url=original_url.strip()
        )
        event_log(action=ModerationEvent.Action.TAKEDOWN_FILED, essay=essay, takedown=takedown)
    return takedown


def takedown_withdraw_essay(*, takedown: TakedownRequest, moderator: Any, note: str = "") -> TakedownRequest:
    """Withdraw the essay: it leaves listings, search, related essays and the sitemap; its address answers 410."""
    with transaction.atomic():
        takedown = _open(takedown)
        essay_retire(essay=takedown.essay)
        _close(takedown, status=TakedownRequest.Status.WITHDRAWN, moderator=moderator, answer=note)
        event_log(
            action=ModerationEvent.Action.TAKEDOWN_WITHDRAWN,
            actor=moderator,
            essay=takedown.essay,
            takedown=takedown,
            note=note,
        )
        # Other open requests about the same essay are settled by the same withdrawal.
        for other in TakedownRequest.objects.filter(essay=takedown.essay, status=TakedownRequest.Status.OPEN):
            _close(other, status=TakedownRequest.Status.WITHDRAWN, moderator=moderator, answer=note)
            event_log(
                action=ModerationEvent.Action.TAKEDOWN_WITHDRAWN, actor=moderator, essay=other.essay, takedown=other
            )
            notify_takedown_requester(takedown_id=other.pk)
        notify_takedown_requester(takedown_id=takedown.pk)
    return takedown


def takedown_answer(*, takedown: TakedownRequest, moderator: Any, answer: str) -> TakedownRequest:
    """Reply to the requester without withdrawing the essay (the claim does not hold, or more is needed)."""
    if not answer.strip():
        raise ModerationError("Write the answer the requester will receive.")
    with transaction.atomic():
        takedown = _open(takedown)
        _close(takedown, status=TakedownRequest.Status.ANSWERED, moderator=moderator, answer=answer)
        event_log(
            action=ModerationEvent.Action.TAKEDOWN_ANSWERED,
            actor=moderator,
            essay=takedown.essay,
            takedown=takedown,
            note=answer.strip(),
        )
        notify_takedown_requester(takedown_id=takedown.pk)
    return takedown


def _open(takedown: TakedownRequest) -> TakedownRequest:
    locked = TakedownRequest.objects.select_for_update().select_related("essay").get(pk=takedown.pk)
    if locked.status != TakedownRequest.Status.OPEN:
        raise ModerationError("This request has already been handled.")
    return locked


def _close(takedown: TakedownRequest, *, status: str, moderator: Any, answer: str) -> None:
    takedown.status = status
    takedown.answer = answer.strip()
    takedown.handled_by = moderator
    takedown.handled_at = timezone.now()
    takedown.save()
