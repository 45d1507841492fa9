"""The demo's margin comments: the library's teachers' comments on passages of demo essays
(comments/<essay slug>.toml), and one demo edit that costs a comment its passage.

Each `[[comment]]` names its `teacher` (a key of teachers.toml), the `quote` it is on (a passage
found exactly once in the essay's text) and its `text`; a file's `written` date is the one its
comments show. A file may also have an `[edit]`: the essay's text as the author first wrote it
had the sentence `replace` where the essay (essays/<slug>.txt) now has `with`, and `note` says
why the author changed it. The comments are placed on that first draft, and the essay's text is
then saved through `essay_save_text`, so they go through re-anchoring as any edit's comments do:
a comment on a passage the rewrite removed is an orphan, and the others are carried over.

The essay file holds the text as it is after the edit, because `load_demo` brings every demo
essay's text back to its file: the draft is written only while no earlier text of the essay
has it, so loading again neither repeats the edit nor changes the text. A comment is added only
while its teacher has none on that essay with its quote (or its text), so one a teacher has
since edited, re-attached or deleted is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from redink.catalogue.models import Essay, EssayRevision
from redink.catalogue.services import essay_save_text
from redink.marking.comments import comment_add
from redink.marking.models import MarginComment

from .teaching import DEMO_DIR, DEMO_TEACHER, DemoMarkingError, _library_teacher, _read, teachers_data

COMMENT_DIR = DEMO_DIR / "comments"


class DemoCommentError(DemoMarkingError):
    pass


@dataclass(frozen=True)
class DemoComment:
    teacher: str
    quote: str
    text: str


@dataclass(frozen=True)
class DemoEdit:
    replace: str  # the sentence as the author first wrote it
    with_: str  # the sentence as it is in the essay now
    note: str


@dataclass(frozen=True)
class DemoComments:
    slug: str
    comments: tuple[DemoComment, ...]
    edit: DemoEdit | None = None
    written: dt.date | None = None

    @property
    def name(self) -> str:
        return f"comments/{self.slug}.toml"

    def placed_in(self, text: str) -> str:
        """The text the comments are placed in, given the essay's text `text`: the author's
        first draft when there is an edit. Checks every quote is found there exactly once."""
        draft = text
        if self.edit is not None:
            _once(self.name, "the edit's `with`", self.edit.with_, text)
            if self.edit.replace in text:
                raise DemoCommentError(f"{self.name}: the edit's `replace` is already in the essay's text")
            draft = text.replace(self.edit.with_, self.edit.replace)
        for comment in self.comments:
            _once(self.name, f"{comment.teacher}'s quote", comment.quote, draft)
        return draft


def _once(name: str, what: str, passage: str, text: str) -> None:
    found = text.count(passage)
    if found != 1:
        where = "not found" if not found else f"found {found} times"
        raise DemoCommentError(f"{name}: {what} {passage[:80]!r} is {where} in the essay's text (it must be once)")


def parse_comments(path: Path) -> DemoComments:
    """One comments file, checked for what does not need the essay's text."""
    name = f"comments/{path.name}"
    data = _read(path)
    unknown = set(data) - {"comment", "edit", "written"}
    if unknown:
        raise DemoCommentError(f"{name}: unknown {', '.join(sorted(unknown))}")
    comments = []
    for item in data.get("comment", []):
        missing = {"teacher", "quote", "text"} - set(item)
        if missing:
            raise DemoCommentError(f"{name}: a comment without {', '.join(sorted(missing))}")
        key = item["teacher"]
        if key not in teachers_data() or key == DEMO_TEACHER:
            raise DemoCommentError(f"{name}: {key!r} is not one of the library's teachers in teachers.toml")
        quote = item["quote"]
        if quote != quote.strip() or not quote:
            raise DemoCommentError(f"{name}: the quote {quote!r} starts or ends with a space")
        comments.append(DemoComment(teacher=key, quote=quote, text=item["text"].strip()))
    if not comments:
        raise DemoCommentError(f"{name}: no [[comment]]")
    edit = None
    if "edit" in data:
        missing = {"replace", "with", "note"} - set(data["edit"])
        if missing:
            raise DemoCommentError(f"{name}: [edit] without {', '.join(sorted(missing))}")
        edit = DemoEdit(replace=data["edit"]["replace"], with_=data["edit"]["with"], note=data["edit"]["note"])
    written = data.get("written")
    if written is not None and not isinstance(written, dt.date):
        raise DemoCommentError(f"{name}: `written` must be a date, e.g. 2024-03-08")
    return DemoComments(slug=path.stem, comments=tuple(comments), edit=edit, written=written)


def demo_comments() -> list[DemoComments]:
    return [parse_comments(path) for path in sorted(COMMENT_DIR.glob("*.toml"))]


@transaction.atomic
def comments_load() -> int:
    """Place the demo's margin comments still missing (and make the demo edit once); returns
    how many comments were added."""
    plans = demo_comments()
    essays = Essay.objects.published().in_bulk([plan.slug for plan in plans], field_name="slug")
    added = 0
    for plan in plans:
        essay = essays.get(plan.slug)
        if essay is None:
            raise DemoCommentError(f"{plan.name}: no published demo essay {plan.slug!r}")
        added += _essay_comments_load(essay, plan)
    return added


def _essay_comments_load(essay: Essay, plan: DemoComments) -> int:
    final = essay.body
    draft = plan.placed_in(final)
    teachers = {key: _library_teacher(key) for key in {c.teacher for c in plan.comments}}
    missing = [c for c in plan.comments if not _exists(essay, teachers[c.teacher], c)]
    edit_made = plan.edit is None or any(
        plan.edit.replace in body for body in EssayRevision.objects.filter(essay=essay).values_list("body", flat=True)
    )
    if edit_made:
        # Those on a passage the edit removed were lost already: if one is missing, its teacher
        # deleted it since.
        missing = [c for c in missing if c.quote in final]
        for comment in missing:
            _comment_add(essay, teachers[comment.teacher], comment, plan)
        return len(missing)
    essay_save_text(essay=essay, text=draft)
    for comment in missing:
        _comment_add(essay, teachers[comment.teacher], comment, plan)
    essay_save_text(essay=essay, text=final)  # the author's edit: the comments are re-anchored
    return len(missing)


def _exists(essay: Essay, teacher: Any, comment: DemoComment) -> bool:
    mine = MarginComment.objects.filter(essay=essay, teacher=teacher)
    return mine.filter(Q(original_exact=comment.quote) | Q(body=comment.text)).exists()


def _comment_add(essay: Essay, teacher: Any, comment: DemoComment, plan: DemoComments) -> None:
    start = essay.body.index(comment.quote)
    try:
        added = comment_add(
            essay=essay,
            teacher=teacher,
            body=comment.text,
            start=start,
            end=start + len(comment.quote),
            quote=comment.quote,
            text_version=essay.text_version,
        )
    except ValidationError as exc:
        raise DemoCommentError(f"{plan.name}: {comment.teacher}'s comment: {' '.join(exc.messages)}") from exc
    if plan.written is not None:
        # Dated as the file says, like the demo's reviews.
        written = timezone.make_aware(dt.datetime.combine(plan.written, dt.time(14, 0)))
        MarginComment.objects.filter(pk=added.pk).update(created_at=written, modified_at=written)
