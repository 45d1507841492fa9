"""E-mails, sent by tasks enqueued on commit: a contributor's decisions, a rights holder's answer."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from redink.core.links import site_url
from redink.privacy.mail import preference_mail_send, user_for_address
from redink.privacy.models import EmailKind

from ..models import Submission, TakedownRequest


def notify_contributor(*, submission_id: int) -> None:
    from ..tasks import send_submission_email

    transaction.on_commit(lambda: send_submission_email.enqueue(submission_id))


def notify_takedown_requester(*, takedown_id: int) -> None:
    from ..tasks import send_takedown_email

    transaction.on_commit(lambda: send_takedown_email.enqueue(takedown_id))


def submission_email_send(*, submission_id: int) -> bool:
    """Tell a contributor their upload was published or rejected. Names no text but their own title."""
    submission = Submission.objects.select_related("contributor", "essay").filter(pk=submission_id).first()
    if submission is None or submission.contributor is None or not submission.contributor.email:
        return False
    if submission.source == Submission.Source.IMPORT:
        return False  # the operator imported it; the report tells them what happened
    if submission.status not in (Submission.Status.PUBLISHED, Submission.Status.REJECTED):
        return False
    if submission.notified_status == submission.status:
        return False
    context = {
        "submission": submission,
        "name": submission.contributor.public_name,
        "essay_url": site_url(submission.essay.get_absolute_url()) if submission.essay else "",
        "uploads_url": site_url(reverse("submissions:uploads")),
        "days": settings.REDINK_CONTRIBUTION_DAYS,
        "earned_days": submission.source != Submission.Source.IMPORT and submission.replaces_id is None,
        "SITE_NAME": settings.SITE_NAME,
    }
    published = submission.status == Submission.Status.PUBLISHED
    subject = (
        f"Your essay “{submission.title}” is published"
        if published
        else f"Your upload “{submission.title}” was not published"
    )
    body = render_to_string("submissions/email/decision.txt", context)
    contributor = submission.contributor
    sent = preference_mail_send(
        user=contributor, kind=EmailKind.SUBMISSIONS, subject=subject, body=body, to=contributor.email
    )
    # Turned off counts as told: turning these e-mails back on does not send old decisions.
    Submission.objects.filter(pk=submission.pk).update(notified_status=submission.status)
    return sent


def takedown_email_send(*, takedown_id: int) -> bool:
    takedown = TakedownRequest.objects.select_related("essay").filter(pk=takedown_id).first()
    if takedown is None or takedown.status == TakedownRequest.Status.OPEN or takedown.notified_at is not None:
        return False
    body = render_to_string("submissions/email/takedown.txt", {"takedown": takedown, "SITE_NAME": settings.SITE_NAME})
    sent = preference_mail_send(
        user=user_for_address(takedown.email),
        kind=EmailKind.TAKEDOWNS,
        subject=f"Your request about “{takedown.essay.title}”",
        body=body,
        to=takedown.email,
    )
    TakedownRequest.objects.filter(pk=takedown.pk).update(notified_at=timezone.now())
    return sent
