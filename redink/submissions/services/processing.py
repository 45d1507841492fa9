"""Processing an upload in the background: extract its text, check its originality, queue it.

Runs in a task (`tasks.process_submission`) and is safe to run twice: an upload already past
processing is left alone.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..extract import ExtractionError, check_length, extract_isolated, messages
from ..models import ModerationEvent, OverlapMatch, Submission
from ..originality.index import exclusive_check, signature_store
from ..originality.matching import Match, find_matches
from ..originality.shingles import shingle
from ..reasons import copy_refusal
from .events import event_log
from .notify import notify_contributor

logger = logging.getLogger(__name__)
_WORD = re.compile(r"\w+")
PROCESSABLE = (Submission.Status.UPLOADED, Submission.Status.EXTRACTING)


def submission_process(*, submission_id: int) -> Submission | None:
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None or submission.status not in PROCESSABLE:
            return submission
        submission.status = Submission.Status.EXTRACTING
        submission.save(update_fields=["status", "updated_at"])
    try:
        text, detected = submission_text(submission=submission)
        check_length(
            words=len(text.split()),
            minimum=settings.REDINK_ESSAY_MIN_WORDS,
            maximum=settings.REDINK_ESSAY_MAX_WORDS,
        )
    except ExtractionError as problem:
        return fail_submission(submission=submission, problem=problem)
    submission.extracted_text = text
    submission.word_count = len(text.split())
    submission.detected_format = detected
    with transaction.atomic():
        exclusive_check()
        matches = submission_matches(submission=submission)
        return submission_route(submission=submission, matches=matches)


def submission_text(*, submission: Submission) -> tuple[str, str]:
    """The upload's text as canonical paragraphs (its title line left out), and the format it was in."""
    if submission.source == Submission.Source.PASTE or not submission.file:
        return pasted_text(text=submission.pasted_text, title=submission.title), "paste"
    size = submission.file.size
    if size > settings.REDINK_UPLOAD_MAX_BYTES:
        raise messages.too_big(size=size, limit=settings.REDINK_UPLOAD_MAX_BYTES)
    with submission.file.open("rb") as handle:
        data = handle.read()
    extracted = extract_isolated(data=data, filename=submission.original_filename or submission.file.name)
    return "\n\n".join(without_title(paragraphs=extracted.paragraphs, title=submission.title)), extracted.format


def pasted_text(*, text: str, title: str) -> str:
    """Pasted text as the paragraphs processing keeps (its title line left out): what the upload
    form counts the words of, so that it refuses at once what processing would refuse."""
    from ..extract.text import blocks_of

    return "\n\n".join(without_title(paragraphs=tuple(" ".join(b.split()) for b in blocks_of(text)), title=title))


def without_title(*, paragraphs: tuple[str, ...], title: str) -> tuple[str, ...]:
    """A document usually opens with its title: it is the essay's title, not its first paragraph."""
    if len(paragraphs) > 1 and _same_words(paragraphs[0], title):
        return paragraphs[1:]
    return paragraphs


def _same_words(first: str, second: str) -> bool:
    return _WORD.findall(first.casefold()) == _WORD.findall(second.casefold())


def submission_matches(*, submission: Submission) -> list[Match]:
    """Overlaps with the library and the queue, leaving out what the upload may rightly repeat:
    the essay it corrects, and the contributor's other corrections of that essay."""
    exclude_essays = {submission.replaces_id} if submission.replaces_id else set()
    exclude_submissions = {submission.pk}
    if submission.replaces_id:
        exclude_submissions |= set(
            Submission.objects.filter(
                replaces_id=submission.replaces_id, contributor_id=submission.contributor_id
            ).values_list("pk", flat=True)
        )
    return find_matches(
        shingled=shingle(submission.extracted_text),
        exclude_essays=exclude_essays,
        exclude_submissions=exclude_submissions,
    )


def submission_route(*, submission: Submission, matches: list[Match]) -> Submission:
    """Refuse a copy; otherwise queue for review (flagged if it partly copies), with its signature stored."""
    now = timezone.now()
    OverlapMatch.objects.filter(submission=submission).delete()
    rows = OverlapMatch.objects.bulk_create(_match_row(submission, match) for match in matches)
    copy = next((m for m in matches if m.is_copy), None)
    submission.processed_at = now
    submission.is_flagged = any(m.is_partial for m in matches)
    submission.max_jaccard = max((m.overlap.jaccard for m in matches), default=0.0)
    submission.max_containment = max((m.overlap.containment_max for m in matches), default=0.0)
    if copy is not None:
        submission.status = Submission.Status.REJECTED
        submission.rejection_reason = Submission.RejectionReason.COPY
        # What the e-mail says now; the uploads page words it afresh each time (`reasons.py`).
        row = next(r for r in rows if r.is_copy)
        submission.rejection_note = str(copy_refusal(submission=submission, match=row))
        submission.decided_at = now
        submission.save()
        event_log(action=ModerationEvent.Action.REFUSED_COPY, submission=submission, note=_scores(copy))
        notify_contributor(submission_id=submission.pk)
        return submission
    submission.status = Submission.Status.IN_REVIEW
    submission.save()
    signature_store(shingled=shingle(submission.extracted_text), submission=submission)
    partial = [m for m in matches if m.is_partial]
    if partial:
        note = "; ".join(f"{m.title}: {_scores(m)}" for m in partial)
        event_log(action=ModerationEvent.Action.FLAGGED, submission=submission, note=note)
    else:
        event_log(action=ModerationEvent.Action.QUEUED, submission=submission)
    return submission


def fail_submission(*, submission: Submission, problem: ExtractionError) -> Submission:
    submission.status = Submission.Status.FAILED
    submission.failure_code = problem.code
    submission.failure_message = problem.message
    submission.processed_at = timezone.now()
    submission.save()
    event_log(action=ModerationEvent.Action.FAILED, submission=submission, note=problem.code)
    return submission


def _match_row(submission: Submission, match: Match) -> OverlapMatch:
    overlap = match.overlap
    return OverlapMatch(
        submission=submission,
        essay=match.essay,
        other_submission=match.submission,
        title=match.title[:250],
        jaccard=overlap.jaccard,
        containment=overlap.containment,
        containment_other=overlap.containment_other,
        shared_words=overlap.shared_words,
        longest_passage_words=overlap.longest_passage,
        passage_count=len(overlap.passages),
        is_copy=match.is_copy,
        is_partial=match.is_partial,
    )


def _scores(match: Match) -> str:
    o = match.overlap
    return (
        f"Jaccard {o.jaccard:.2f}, containment {o.containment:.2f} / {o.containment_other:.2f}, "
        f"longest shared passage {o.longest_passage} words"
    )
