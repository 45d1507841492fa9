"""E-mails about marking: a teacher application's decision, a review published on an author's
essay, a review hidden by a moderator. None quotes a review: an author may no longer have full
access, and the page shows them the review anyway."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from redink.core.links import site_url
from redink.privacy.mail import preference_mail_send
from redink.privacy.models import EmailKind

from .models import Review, TeacherApplication


def marking_email_send(*, kind: str, object_id: int) -> bool:
    if kind == "application":
        return _application(object_id)
    if kind in ("review_published", "review_hidden"):
        return _review(kind, object_id)
    raise ValueError(f"Unknown marking e-mail {kind!r}")


def _send(subject: str, template: str, to: str, **context: object) -> bool:
    if not to:
        return False
    body = render_to_string(template, {**context, "SITE_NAME": settings.SITE_NAME})
    send_mail(subject, body, None, [to])
    return True


def _application(application_id: int) -> bool:
    application = TeacherApplication.objects.select_related("applicant").filter(pk=application_id).first()
    if application is None or application.status == TeacherApplication.Status.PENDING:
        return False
    approved = application.status == TeacherApplication.Status.APPROVED
    subject = "You are a verified teacher" if approved else "Your application to be a verified teacher"
    return _send(
        f"{subject} on {settings.SITE_NAME}",
        "marking/email/application_decision.txt",
        application.applicant.email,
        application=application,
        name=application.applicant.public_name,
        approved=approved,
        mark_url=site_url(reverse("marking:mark")),
        apply_url=site_url(reverse("marking:apply")),
    )


def _review(kind: str, review_id: int) -> bool:
    review = Review.objects.select_related("essay__author", "teacher").filter(pk=review_id).first()
    if review is None:
        return False
    if kind == "review_published":
        author = review.essay.author
        if review.status != Review.Status.PUBLISHED or author is None:
            return False
        context = {
            "review": review,
            "name": author.public_name,
            "essay_url": site_url(review.essay.get_absolute_url()) + "#reviews",
            "SITE_NAME": settings.SITE_NAME,
        }
        return preference_mail_send(
            user=author,
            kind=EmailKind.REVIEWS,
            subject=f"A teacher has reviewed “{review.essay.title}”",
            body=render_to_string("marking/email/review_published.txt", context),
            to=author.email,
        )
    if review.status != Review.Status.HIDDEN or review.teacher is None:
        return False  # the teacher has deleted their account: nobody to tell
    return _send(
        f"Your review of “{review.essay.title}” has been hidden",
        "marking/email/review_hidden.txt",
        review.teacher.email,
        review=review,
        name=review.teacher.public_name,
        review_url=site_url(reverse("marking:review", kwargs={"slug": review.essay.slug})),
    )
