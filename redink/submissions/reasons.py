"""What a contributor (and a moderator) is told about a failed or rejected upload, worded when shown.

A refusal as a copy is worded from the copy's match as things are now, not as they were when
the upload was refused: the upload it repeated may since have been published (then it is named,
and linked, since anyone may open a published essay's page), turned down, or withdrawn. The words
stored at refusal time (`rejection_note`) stay as the record of what the e-mail said then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.html import escape, format_html

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import OverlapMatch, Submission

WAITING = frozenset({"uploaded", "extracting", "in_review"})


@dataclass(frozen=True)
class Link:
    text: str
    url: str


class Reason(str):
    """Plain words, which a template renders with their links (`__html__`, as Django's SafeString)."""

    html: str

    def __new__(cls, *parts: str | Link) -> Reason:
        words = super().__new__(cls, "".join(p.text if isinstance(p, Link) else p for p in parts))
        words.html = "".join(
            format_html('<a href="{}">{}</a>', p.url, p.text) if isinstance(p, Link) else escape(p) for p in parts
        )
        return words

    def __html__(self) -> str:
        return self.html


def submission_reason(submission: Submission) -> Reason:
    if submission.status == submission.Status.FAILED:
        return Reason(submission.failure_message)
    if submission.status != submission.Status.REJECTED:
        return Reason()
    if refused_as_copy(submission):
        return copy_refusal(submission=submission, match=copy_match(submission))
    label = submission.get_rejection_reason_display()
    return Reason(f"{label}. {submission.rejection_note}".strip() if submission.rejection_note else label)


def refused_as_copy(submission: Submission) -> bool:
    """Refused by the originality check itself (which decides in the same instant it processes),
    not rejected as a copy by a moderator, whose note is what the contributor is told."""
    return (
        submission.rejection_reason == submission.RejectionReason.COPY
        and submission.decided_by_id is None
        and submission.decided_at is not None
        and submission.decided_at == submission.processed_at
    )


def copy_match(submission: Submission) -> OverlapMatch | None:
    """The match that made the upload a copy: prefetched as `copy_matches` on listings, else read."""
    prefetched: Sequence[OverlapMatch] | None = getattr(submission, "copy_matches", None)
    if prefetched is None:
        prefetched = list(copy_matches(submission.matches.all())[:1])
    return prefetched[0] if prefetched else None


def copy_matches(queryset: QuerySet[OverlapMatch]) -> QuerySet[OverlapMatch]:
    return queryset.filter(is_copy=True).select_related("essay", "other_submission__essay")


def copy_refusal(*, submission: Submission, match: OverlapMatch | None) -> Reason:
    """Why a copy is refused, naming nothing the contributor may not see: a published title at most."""
    from redink.catalogue.models import Essay

    def own(contributor_id: int | None) -> bool:
        return contributor_id is not None and contributor_id == submission.contributor_id

    other = match.other_submission if match is not None else None
    essay, when = (match.essay, "already") if match is not None else (None, "")
    if essay is None and other is not None and other.status == other.Status.PUBLISHED:
        essay, when = other.essay, "now"
    if essay is not None:
        if essay.status != Essay.Status.PUBLISHED:
            return Reason("It was a copy of an essay that has since left the library.")
        link = Link(essay.title, essay.get_absolute_url())
        if own(essay.author_id):
            return Reason(
                "It repeats your essay “",
                link,
                f"”, which is {when} in the library. To correct that essay, use “Upload a corrected version” on "
                "your uploads page.",
            )
        return Reason("It is a copy of “", link, f"”, which is {when} in the library.")
    if other is not None and own(other.contributor_id):
        if other.status in WAITING:
            return Reason(f"You have already uploaded this text as “{other.title}”, which is awaiting review.")
        return Reason(f"You had already uploaded this text as “{other.title}”.")
    if other is not None and other.status in WAITING:
        return Reason("It is a copy of an essay that is already awaiting review.")
    return Reason("It was a copy of an essay sent to the library before it.")
