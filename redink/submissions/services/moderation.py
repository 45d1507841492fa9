"""Moderators' decisions on uploads, and contributors withdrawing their own essays. Every one is logged."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from redink.access.models import Entitlement
from redink.access.services import entitlement_grant
from redink.catalogue.models import Essay, Section
from redink.catalogue.services import essay_create, essay_move, essay_save_text, essay_withdraw

from ..models import ModerationEvent, Submission
from ..originality.index import exclusive_check, signature_drop, signature_move
from ..originality.matching import find_matches
from ..originality.shingles import shingle
from .events import event_log
from .notify import notify_contributor

EDITABLE = ("title", "section", "exam_board", "year", "grade")


class ModerationError(Exception):
    """A decision that cannot be made as asked (the message says why)."""


def submission_approve(*, submission: Submission, moderator: Any) -> Essay:
    """Publish an upload (or a correction's text), index it, and grant the contributor's membership days."""
    with transaction.atomic():
        exclusive_check()
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != Submission.Status.IN_REVIEW:
            raise ModerationError(f"This upload is {submission.get_status_display().lower()}, not in review.")
        _refuse_if_now_a_copy(submission)
        if submission.replaces_id is not None:
            essay = _replace_text(submission, essay_id=submission.replaces_id)
            action = ModerationEvent.Action.REPLACED
        else:
            essay = essay_create(
                title=submission.title,
                text=submission.extracted_text,
                section=submission.section,
                author=submission.contributor,
                status=Essay.Status.PUBLISHED,
                exam_board=submission.exam_board,
                year=submission.year,
                grade=submission.grade,
            )
            action = ModerationEvent.Action.APPROVED
            contribution_reward(submission=submission, essay=essay)
        signature_move(submission=submission, essay=essay)
        submission.essay = essay
        submission.status = Submission.Status.PUBLISHED
        submission.decided_by = moderator
        submission.decided_at = timezone.now()
        submission.save()
        event_log(action=action, actor=moderator, submission=submission, essay=essay)
        notify_contributor(submission_id=submission.pk)
    return essay


def contribution_reward(*, submission: Submission, essay: Essay) -> Entitlement | None:
    """Membership days for a contributor's newly published essay: once per essay, none for imports."""
    days = settings.REDINK_CONTRIBUTION_DAYS
    contributor = submission.contributor
    if contributor is None or days <= 0 or submission.source == Submission.Source.IMPORT:
        return None
    reference = f"essay:{essay.pk}"
    source = Entitlement.Source.CONTRIBUTION
    if Entitlement.objects.filter(user=contributor, source=source, reference=reference).exists():
        return None
    return entitlement_grant(user=contributor, days=days, source=source, reference=reference)


def _replace_text(submission: Submission, *, essay_id: int) -> Essay:
    essay = Essay.objects.select_for_update().get(pk=essay_id)
    if essay.status != Essay.Status.PUBLISHED:
        raise ModerationError("The essay this corrects is no longer published.")
    essay.title = submission.title
    essay.exam_board, essay.year, essay.grade = submission.exam_board, submission.year, submission.grade
    if essay.section_id != submission.section_id:
        essay_move(essay=essay, section=submission.section)
    return essay_save_text(essay=essay, text=submission.extracted_text)


def _refuse_if_now_a_copy(submission: Submission) -> None:
    """An essay published since the upload was checked may have made it a copy."""
    exclude = {submission.replaces_id} if submission.replaces_id else set()
    matches = find_matches(shingled=shingle(submission.extracted_text), published_only=True, exclude_essays=exclude)
    copy = next((m for m in matches if m.is_copy and m.essay is not None), None)
    if copy is not None and copy.essay is not None:
        raise ModerationError(f"This upload is now a copy of the published essay “{copy.essay.title}”.")


def submission_reject(*, submission: Submission, moderator: Any, reason: str, note: str = "") -> Submission:
    if reason not in Submission.RejectionReason.values:
        raise ModerationError("Choose a reason from the list.")
    if reason == Submission.RejectionReason.OTHER and not note.strip():
        raise ModerationError("Say why in the note when the reason is “another reason”.")
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != Submission.Status.IN_REVIEW:
            raise ModerationError(f"This upload is {submission.get_status_display().lower()}, not in review.")
        submission.status = Submission.Status.REJECTED
        submission.rejection_reason = reason
        submission.rejection_note = note.strip()
        submission.decided_by = moderator
        submission.decided_at = timezone.now()
        submission.save()
        signature_drop(submission=submission)
        label = Submission.RejectionReason(reason).label
        event_log(
            action=ModerationEvent.Action.REJECTED,
            actor=moderator,
            submission=submission,
            note=f"{label}. {note.strip()}".strip(),
        )
        notify_contributor(submission_id=submission.pk)
    return submission


def submission_update_details(
    *,
    submission: Submission,
    moderator: Any,
    title: str,
    section: Section,
    exam_board: str = "",
    year: int | None = None,
    grade: str = "",
) -> Submission:
    """Correct an upload's title and metadata before it is published; the change is logged."""
    new = {"title": title.strip(), "section": section, "exam_board": exam_board.strip(), "year": year, "grade": grade}
    changed = [field for field in EDITABLE if getattr(submission, field) != new[field]]
    if not changed:
        return submission
    note = "; ".join(f"{field}: {getattr(submission, field) or '—'} → {new[field] or '—'}" for field in changed)
    with transaction.atomic():
        for field in changed:
            setattr(submission, field, new[field])
        submission.save()
        event_log(action=ModerationEvent.Action.EDITED, actor=moderator, submission=submission, note=note)
    return submission


def essay_withdraw_by_author(*, essay: Essay, user: Any) -> Essay:
    """An author takes their own essay out of the library: its address answers 410 Gone."""
    if essay.author_id is None or essay.author_id != getattr(user, "pk", None):
        raise PermissionError("Only an essay's author may withdraw it.")
    with transaction.atomic():
        essay_retire(essay=essay)
        event_log(action=ModerationEvent.Action.WITHDRAWN_BY_AUTHOR, actor=user, essay=essay)
    return essay


def essay_retire(*, essay: Essay) -> Essay:
    """Withdraw an essay everywhere: status (search, listings, sitemap follow on commit), signature, uploads."""
    if essay.status != Essay.Status.WITHDRAWN:
        essay_withdraw(essay=essay)
    signature_drop(essay=essay)
    Submission.objects.filter(essay=essay, status=Submission.Status.PUBLISHED).update(
        status=Submission.Status.WITHDRAWN, updated_at=timezone.now()
    )
    return essay
