"""Takedown requests from rights holders, and what moderators do with them. Every step is logged.

A requester is sent an acknowledgement with the request's reference. Anyone can type any address
into the form, so the acknowledgement says nothing the sender typed, and each recipient address
gets at most REDINK_TAKEDOWN_ACKS_PER_EMAIL_PER_DAY of them: past that a request is still filed,
and its log says that no acknowledgement went.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from redink.catalogue.models import Essay
from redink.core.links import site_url
from redink.core.ratelimit import Rate, limit_consume

from ..models import ModerationEvent, TakedownRequest
from .events import event_log
from .moderation import ModerationError, essay_retire
from .notify import notify_takedown_requester


def takedown_file(
    *, essay: Essay, name: str, email: str, claim: str, original_url: str = "", actor: Any = None
) -> TakedownRequest:
    """File a request (`actor`: the account it was sent from, if signed in) and acknowledge it."""
    email = email.strip()
    acknowledge = acknowledgement_allowed(email=email)
    with transaction.atomic():
        takedown = TakedownRequest.objects.create(
            essay=essay, name=name.strip(), email=email, claim=claim.strip(), original_url=original_url.strip()
        )
        note = (
            ""
            if acknowledge
            else "No acknowledgement was sent: this address has had the most we send to one address in a day."
        )
        event_log(action=ModerationEvent.Action.TAKEDOWN_FILED, actor=actor, essay=essay, takedown=takedown, note=note)
        if acknowledge:
            _enqueue_acknowledgement(takedown_id=takedown.pk)
    return takedown


def acknowledgement_allowed(*, email: str) -> bool:
    """Count one acknowledgement to `email`; False once its address is past the day's limit."""
    rate = Rate(settings.REDINK_TAKEDOWN_ACKS_PER_EMAIL_PER_DAY, 86400)
    return limit_consume(scope="takedown-ack", ident=recipient_key(email=email), rate=rate).allowed


def recipient_key(*, email: str) -> str:
    """One mailbox however its address is written: case aside, and without a "+tag"."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else domain


def _enqueue_acknowledgement(*, takedown_id: int) -> None:
    from ..tasks import send_takedown_acknowledgement

    transaction.on_commit(lambda: send_takedown_acknowledgement.enqueue(takedown_id))


def takedown_acknowledgement_send(*, takedown_id: int) -> bool:
    """E-mail the requester that their request arrived, with its reference; once per request."""
    takedown = TakedownRequest.objects.select_related("essay").filter(pk=takedown_id).first()
    if takedown is None or takedown.acknowledged_at is not None:
        return False
    context = {
        "takedown": takedown,
        "essay_url": site_url(takedown.essay.get_absolute_url()),
        "SITE_NAME": settings.SITE_NAME,
    }
    body = render_to_string("submissions/email/takedown_received.txt", context)
    subject = f"We have your request about “{takedown.essay.title}” (reference {takedown.reference})"
    send_mail(subject, body, None, [takedown.email])
    TakedownRequest.objects.filter(pk=takedown.pk).update(acknowledged_at=timezone.now())
    return True


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
