"""Reads for the contributor's and the moderators' pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay

from .models import ModerationEvent, OverlapMatch, Submission, TakedownRequest
from .originality.compare import shared_passages
from .originality.highlight import Piece, highlight
from .originality.shingles import shingle
from .reasons import copy_matches


def _with_copy_matches(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """What a refused copy's reason is worded from, for a whole listing in one query."""
    return queryset.prefetch_related(
        Prefetch("matches", queryset=copy_matches(OverlapMatch.objects.all()), to_attr="copy_matches")
    )


def uploads_of(*, user: Any) -> QuerySet[Submission]:
    return _with_copy_matches(
        Submission.objects.of(user)
        .select_related("section__subject__level", "essay", "replaces")
        .defer("extracted_text", "pasted_text")
    )


def essays_of(*, user: Any) -> QuerySet[Essay]:
    return Essay.objects.filter(author=user).exclude(status=Essay.Status.PENDING).for_listing().order_by("-created_at")


def upload_statuses(*, user: Any) -> list[dict[str, Any]]:
    """What the uploads page polls: each upload's status and the reason for a failure or rejection."""
    rows = _with_copy_matches(
        Submission.objects.of(user)
        .select_related("essay")
        .only(
            "pk",
            "status",
            "contributor",
            "failure_message",
            "rejection_reason",
            "rejection_note",
            "decided_by",
            "decided_at",
            "processed_at",
            "essay__slug",
            "essay__status",
        )
    )
    return [
        {
            "id": row.pk,
            "status": row.status,
            "label": row.get_status_display(),
            "reason": str(row.reason),
            "final": row.is_final,
            "url": row.essay.get_absolute_url()
            if row.essay and row.status == Submission.Status.PUBLISHED and row.essay.status == Essay.Status.PUBLISHED
            else "",
        }
        for row in rows
    ]


def moderation_queue(*, filters: dict[str, Any]) -> QuerySet[Submission]:
    queryset = Submission.objects.for_queue()
    status = filters.get("status")
    if status:
        queryset = queryset.filter(status=status)
    if filters.get("flagged"):
        queryset = queryset.filter(is_flagged=True)
    if filters.get("source"):
        queryset = queryset.filter(source=filters["source"])
    if filters.get("level"):
        queryset = queryset.filter(section__subject__level__slug=filters["level"])
    if filters.get("q"):
        queryset = queryset.filter(title__icontains=filters["q"])
    # The oldest waiting upload first when looking at the queue; the newest first otherwise.
    return queryset.order_by("created_at", "id") if status == Submission.Status.IN_REVIEW else queryset


def status_counts() -> dict[str, int]:
    counts = dict(Submission.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    counts["processing"] = counts.get(Submission.Status.UPLOADED, 0) + counts.get(Submission.Status.EXTRACTING, 0)
    counts["flagged"] = Submission.objects.in_review().filter(is_flagged=True).count()
    counts["takedowns"] = TakedownRequest.objects.filter(status=TakedownRequest.Status.OPEN).count()
    from redink.marking.models import MarginComment
    from redink.marking.selectors import application_pending_count

    counts["teachers"] = application_pending_count()  # the moderation navigation shows every queue
    counts["lost_comments"] = MarginComment.objects.filter(state=MarginComment.State.ORPHAN).count()
    return counts


def submission_for_review(*, submission_id: int) -> Submission | None:
    return (
        Submission.objects.select_related("contributor", "section__subject__level", "essay", "replaces", "decided_by")
        .filter(pk=submission_id)
        .first()
    )


def matches_of(*, submission: Submission) -> QuerySet[OverlapMatch]:
    return submission.matches.select_related("essay", "other_submission")


def events_of(*, submission: Submission | None = None, takedown: TakedownRequest | None = None) -> QuerySet[Any]:
    events = ModerationEvent.objects.select_related("actor")
    if submission is not None:
        return events.filter(submission=submission)
    return events.filter(Q(takedown=takedown) | Q(essay=takedown.essay if takedown else None, takedown__isnull=True))


@dataclass(frozen=True)
class SideBySide:
    left: list[list[Piece]]
    right: list[list[Piece]]
    passages: int
    other_title: str
    other_url: str


def side_by_side(*, submission: Submission, match: OverlapMatch, viewer: Any) -> SideBySide | None:
    """Both texts with their shared passages marked and numbered alike, from the texts as they are
    now; a published essay's text is what `viewer` may read of it (all of it, for a moderator)."""
    if match.essay is not None:
        visible = essay_text_for(essay=match.essay, viewer=viewer)
        other_text, other_url = "\n\n".join(visible.blocks), match.essay.get_absolute_url()
    elif match.other_submission is not None:
        other_text, other_url = match.other_submission.extracted_text, ""
    else:
        return None
    mine, theirs = shingle(submission.extracted_text), shingle(other_text)
    passages = shared_passages(mine, theirs)
    left = [(*mine.char_span(p.start, p.end), n) for n, p in enumerate(passages, start=1)]
    right = [(*theirs.char_span(p.other_start, p.other_end), n) for n, p in enumerate(passages, start=1)]
    return SideBySide(
        left=highlight(submission.extracted_text, left),
        right=highlight(other_text, right),
        passages=len(passages),
        other_title=match.title,
        other_url=other_url,
    )


def takedown_queue(*, status: str = "") -> QuerySet[TakedownRequest]:
    queryset = TakedownRequest.objects.select_related("essay", "handled_by")
    return queryset.filter(status=status) if status else queryset
