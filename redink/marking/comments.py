"""Writes for margin comments: a teacher's comment on a passage, its moderation, and carrying it
to each new text of its essay (`comments_reanchor`, called by
`catalogue.services.essay_text_saved` in the transaction that changes the text).

How a passage is found again is `anchoring.place`; this module stores what it finds.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from redink.catalogue.models import Essay, EssayRevision

from .anchoring import Quote, TextDiff, place, quote_at
from .models import MarginComment, MarkingEvent
from .services import event_log, may_review

MAX_COMMENT = 2000  # characters
_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def comment_count_refresh(*, essay_id: int) -> int:
    """Store on the essay how many of its comments readers see (a visitor's page shows it)."""
    from .selectors_comments import comment_count

    essay = Essay.objects.only("pk", "text_version").get(pk=essay_id)
    count = comment_count(essay=essay)
    Essay.objects.filter(pk=essay_id).update(comment_count=count)
    return count


def may_comment(*, essay: Essay, user: Any) -> bool:
    """Who may review an essay may comment on its passages: verified teachers, not its author."""
    return may_review(essay=essay, user=user)


def _passage(essay: Essay, *, start: int, end: int, quote: str, text_version: int) -> Quote:
    """The passage a browser selected, checked against the text it was selected in."""
    if text_version != essay.text_version:
        raise ValidationError(
            "The essay's text has changed since you opened it. Reload the page and select the passage again."
        )
    text = essay.body
    if not 0 <= start < end <= len(text):
        raise ValidationError("Select a passage of the essay's text to comment on.")
    # A selection often takes a space or a line break at either end with it.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ValidationError("Select a passage of the essay's text to comment on.")
    if quote and _squash(quote) != _squash(text[start:end]):
        raise ValidationError(
            "The passage you selected could not be found where your browser said it was. Select it again."
        )
    return quote_at(text, start, end)


def paragraph_range(*, essay: Essay, number: int) -> tuple[int, int]:
    """Where paragraph `number` (from 1) lies in the essay's text."""
    offset = 0
    for n, paragraph in enumerate(essay.body.split("\n\n"), start=1):
        if n == number:
            return offset, offset + len(paragraph)
        offset += len(paragraph) + 2
    raise ValidationError("Choose one of the essay's paragraphs.")


def _body(text: str) -> str:
    body = text.strip()
    if not body:
        raise ValidationError("Write the comment.")
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"A margin comment is at most {MAX_COMMENT:,} characters ({len(body):,} written).")
    return body


def _selectors(comment: MarginComment, quote: Quote, *, text_version: int) -> None:
    comment.exact, comment.prefix, comment.suffix = quote.exact, quote.prefix, quote.suffix
    comment.start, comment.end = quote.start, quote.end
    comment.text_version = text_version


@transaction.atomic
def comment_add(
    *, essay: Essay, teacher: Any, body: str, start: int, end: int, quote: str = "", text_version: int
) -> MarginComment:
    """A teacher's comment on `essay.body[start:end]` (code points), selected in `text_version`."""
    if not may_comment(essay=essay, user=teacher):
        raise ValidationError("Only verified teachers comment on essays, and never on their own.")
    passage = _passage(essay, start=start, end=end, quote=quote, text_version=text_version)
    comment = MarginComment(essay=essay, teacher=teacher, body=_body(body), original_exact=passage.exact)
    _selectors(comment, passage, text_version=essay.text_version)
    comment.save()
    essay.comment_count = comment_count_refresh(essay_id=essay.pk)
    return comment


def _own(comment: MarginComment, teacher: Any) -> None:
    if comment.teacher_id != getattr(teacher, "pk", None):
        raise ValidationError("Only the teacher who wrote a comment may change it.")


@transaction.atomic
def comment_edit(*, comment: MarginComment, teacher: Any, body: str) -> MarginComment:
    _own(comment, teacher)
    comment.body = _body(body)
    comment.modified_at = timezone.now()
    comment.save(update_fields=["body", "modified_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: MarginComment, teacher: Any) -> None:
    _own(comment, teacher)
    comment.delete()
    comment_count_refresh(essay_id=comment.essay_id)


@transaction.atomic
def comment_reattach(
    *, comment: MarginComment, teacher: Any, start: int, end: int, quote: str = "", text_version: int
) -> MarginComment:
    """Put a comment (an orphan, or one its teacher wants elsewhere) on a new passage."""
    _own(comment, teacher)
    essay = Essay.objects.get(pk=comment.essay_id)
    passage = _passage(essay, start=start, end=end, quote=quote, text_version=text_version)
    _selectors(comment, passage, text_version=essay.text_version)
    comment.original_exact = passage.exact
    comment.state = MarginComment.State.EXACT
    comment.modified_at = timezone.now()
    comment.save()
    event_log(action=MarkingEvent.Action.COMMENT_REATTACHED, actor=teacher, comment=comment)
    comment_count_refresh(essay_id=essay.pk)
    return comment


@transaction.atomic
def comment_hide(*, comment: MarginComment, moderator: Any, reason: str) -> MarginComment:
    if not reason.strip():
        raise ValidationError("Say why the comment is hidden: its teacher sees the reason.")
    comment.is_hidden, comment.hidden_reason = True, reason.strip()
    comment.save(update_fields=["is_hidden", "hidden_reason"])
    event_log(action=MarkingEvent.Action.COMMENT_HIDDEN, actor=moderator, comment=comment, note=comment.hidden_reason)
    comment_count_refresh(essay_id=comment.essay_id)
    return comment


@transaction.atomic
def comment_show(*, comment: MarginComment, moderator: Any) -> MarginComment:
    comment.is_hidden, comment.hidden_reason = False, ""
    comment.save(update_fields=["is_hidden", "hidden_reason"])
    event_log(action=MarkingEvent.Action.COMMENT_SHOWN, actor=moderator, comment=comment)
    comment_count_refresh(essay_id=comment.essay_id)
    return comment


_PLACEMENT_FIELDS = ("exact", "prefix", "suffix", "start", "end", "text_version", "state")


def _store_placements(comments: list[MarginComment]) -> None:
    """One parameterised UPDATE run for every comment: `bulk_update` builds a CASE per field and
    comment, ~100 ms of Python for 50 comments against ~1 ms of SQL."""
    meta = MarginComment._meta
    quote = connection.ops.quote_name
    columns = [field.column for name in _PLACEMENT_FIELDS if isinstance(field := meta.get_field(name), Field)]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column or 'id')} = %s"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[getattr(c, name) for name in _PLACEMENT_FIELDS] + [c.pk] for c in comments])


def comments_reanchor(*, essay: Essay) -> dict[str, int]:
    """Carry the essay's placed comments from the text versions they were placed in to its
    current text, storing where each now is and how it was found. Orphans stay where they were
    lost. Returns how many comments ended in each state."""
    stale = list(
        MarginComment.objects.filter(essay=essay)
        .exclude(state=MarginComment.State.ORPHAN)
        .exclude(text_version=essay.text_version)
    )
    if not stale:
        return {}
    versions = {c.text_version for c in stale}
    old_texts = dict(
        EssayRevision.objects.filter(essay=essay, text_version__in=versions).values_list("text_version", "body")
    )
    diffs: dict[int, TextDiff] = {}
    counts: dict[str, int] = {}
    orphaned: list[MarginComment] = []
    new = essay.body
    for comment in stale:
        old = old_texts.get(comment.text_version)
        quote = Quote(comment.exact, comment.prefix, comment.suffix, comment.start, comment.end)
        if old is None or old[comment.start : comment.end] != comment.exact:
            # Without the text it was placed in there is no diff to follow: a search of the
            # whole text would be a guess.
            state = MarginComment.State.ORPHAN
        else:
            if comment.text_version not in diffs:
                diffs[comment.text_version] = TextDiff(old, new)
            placement = place(quote, old=old, new=new, diff=diffs[comment.text_version])
            state = MarginComment.State(placement.state)
            if not placement.is_orphan:
                _selectors(comment, quote_at(new, placement.start, placement.end), text_version=essay.text_version)
        if state == MarginComment.State.ORPHAN:
            orphaned.append(comment)
        comment.state = state
        counts[state] = counts.get(state, 0) + 1
    _store_placements(stale)
    MarkingEvent.objects.bulk_create(
        MarkingEvent(
            action=MarkingEvent.Action.COMMENT_ORPHANED,
            comment=comment,
            note=f"After text version {essay.text_version}, “{comment.exact[:200]}” was no longer in the essay.",
        )
        for comment in orphaned
    )
    essay.comment_count = comment_count_refresh(essay_id=essay.pk)
    return counts
