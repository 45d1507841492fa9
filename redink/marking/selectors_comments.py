"""Reads for margin comments: the essay text cut into highlighted passages with the comments
beside them, what a visitor is told instead, and the comments that lost their passage.

Comments quote the essay, so they follow its text: only a viewer `access.visibility` lets read
the whole essay sees one (or its quote). Everyone else is told how many there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.db.models import Q, QuerySet

from redink.access.visibility import VisibleText

from .models import BankComment, MarginComment, by_a_teacher
from .services import may_review

STATE_NOTES = {
    MarginComment.State.EDITED: "The passage has been edited since this comment was written.",
    MarginComment.State.FUZZY: "The passage moved and changed after an edit; this is where it was found again.",
}


@dataclass
class Note:
    number: int
    comment: MarginComment
    is_own: bool = False

    @property
    def state_note(self) -> str:
        return STATE_NOTES.get(self.comment.state, "")  # type: ignore[call-overload]


@dataclass
class Segment:
    text: str
    numbers: tuple[int, ...] = ()  # the comments whose passage this piece of text is part of
    ending: list[Note] = field(default_factory=list)  # comments whose passage ends here


@dataclass
class Paragraph:
    number: int
    start: int  # where it starts in the essay's text, in code points
    segments: list[Segment]
    notes: list[Note]  # comments whose passage starts in this paragraph

    @property
    def opening(self) -> str:
        """The paragraph's first words, to tell it apart in a list."""
        words = "".join(segment.text for segment in self.segments).split()
        return " ".join(words[:9]) + (" …" if len(words) > 9 else "")


@dataclass
class EssayComments:
    count: int  # comments on passages that readers of the whole essay see
    paragraphs: list[Paragraph] | None = None  # None: the viewer may not read them
    can_comment: bool = False
    bank: list[BankComment] = field(default_factory=list)
    own_orphans: int = 0

    @property
    def notes(self) -> list[Note]:
        return [note for paragraph in self.paragraphs or () for note in paragraph.notes]


def _public(queryset: QuerySet[MarginComment]) -> QuerySet[MarginComment]:
    return queryset.filter(by_a_teacher(active=True), is_hidden=False)


def _placed(essay: Any) -> QuerySet[MarginComment]:
    return MarginComment.objects.filter(essay=essay, text_version=essay.text_version).exclude(
        state=MarginComment.State.ORPHAN
    )


def readable_comments(*, essay: Any) -> QuerySet[MarginComment]:
    """The comments an ordinary reader of the whole essay sees beside it, in the text's order."""
    return _public(_placed(essay))


def comment_count(*, essay: Any) -> int:
    """How many comments readers of the whole essay see on it."""
    return readable_comments(essay=essay).count()


def essay_comments_for(*, essay: Any, viewer: Any, visible: VisibleText) -> EssayComments:
    """What the essay page shows of its margin comments to `viewer`, who sees `visible`."""
    if not visible.is_complete:
        return EssayComments(count=essay.comment_count)
    signed_in = getattr(viewer, "is_authenticated", False)
    may_have_own = signed_in and (viewer.is_staff or viewer.is_verified_teacher)
    if not essay.comment_count and not may_have_own:
        # Nothing to show and nothing of the viewer's own: no query.
        return EssayComments(count=0, paragraphs=_paragraphs(essay.body, [], viewer_id=None))
    comments = _placed(essay).select_related("teacher")
    if signed_in and viewer.is_staff:
        shown = comments.filter(by_a_teacher() | Q(is_hidden=True))
    elif signed_in:
        shown = comments.filter(Q(pk__in=_public(comments).values("pk")) | Q(teacher=viewer))
    else:
        shown = _public(comments)
    listed = list(shown)
    can_comment = signed_in and may_review(essay=essay, user=viewer)
    result = EssayComments(
        count=sum(1 for c in listed if not c.is_hidden),
        paragraphs=_paragraphs(essay.body, listed, viewer_id=getattr(viewer, "pk", None)),
        can_comment=can_comment,
    )
    if can_comment:
        result.bank = list(BankComment.objects.filter(teacher=viewer))
        result.own_orphans = MarginComment.objects.filter(
            essay=essay, teacher=viewer, state=MarginComment.State.ORPHAN
        ).count()
    return result


def _paragraphs(text: str, comments: list[MarginComment], *, viewer_id: int | None) -> list[Paragraph]:
    notes = [Note(n, c, is_own=c.teacher_id == viewer_id) for n, c in enumerate(comments, start=1)]
    out: list[Paragraph] = []
    start = 0
    for number, paragraph in enumerate(text.split("\n\n"), start=1):
        end = start + len(paragraph)
        inside = [n for n in notes if n.comment.start < end and n.comment.end > start]
        cuts = sorted(
            {start, end, *(max(start, min(end, p)) for n in inside for p in (n.comment.start, n.comment.end))}
        )
        segments = []
        for lo, hi in pairwise(cuts):
            covering = [n for n in inside if n.comment.start <= lo and n.comment.end >= hi]
            # Marked where the passage ends (a passage running on is marked in a later paragraph).
            ending = [n for n in covering if n.comment.end == hi or (hi == end < n.comment.end <= end + 2)]
            segments.append(Segment(paragraph[lo - start : hi - start], tuple(n.number for n in covering), ending))
        beginning = [n for n in notes if start <= n.comment.start < end + 2]
        out.append(Paragraph(number=number, start=start, segments=segments, notes=beginning))
        start = end + 2
    return out


def lost_comments(*, teacher: Any = None) -> QuerySet[MarginComment]:
    """Comments that lost their passage, by essay: a teacher's own, or (no teacher) every one."""
    orphans = MarginComment.objects.filter(state=MarginComment.State.ORPHAN).select_related("essay", "teacher")
    if teacher is not None:
        orphans = orphans.filter(teacher=teacher)
    return orphans.order_by("essay__title", "essay_id", "start", "id")


def reattaching(*, essay: Any, viewer: Any, comment_id: str | None) -> MarginComment | None:
    """The viewer's own comment on this essay they asked to put on a new passage."""
    if not comment_id or not comment_id.isdigit():
        return None
    return MarginComment.objects.filter(pk=int(comment_id), essay=essay, teacher=viewer).first()
