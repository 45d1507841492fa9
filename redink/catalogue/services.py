"""Writes to the catalogue. Everything derived from an essay's text is recomputed here."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from redink.previews import EXTRACTS, LEAD, build_previews, normalise_paragraph, word_count

from .models import Essay, EssayRevision, Level, Section, Subject


def paragraphs_from_text(*, text: str) -> list[str]:
    """Canonical paragraphs: blank-line separated, whitespace normalised, empties dropped."""
    blocks = text.replace("\r\n", "\n").replace("\r", "\n").split("\n\n")
    return [p for p in (normalise_paragraph(b) for b in blocks) if p]


@dataclass(frozen=True)
class EssayText:
    """What an essay's own row derives from its text: canonical body, word count, previews."""

    body: str
    word_count: int
    preview_lead: dict[str, Any]
    preview_extracts: dict[str, Any]


def essay_text(*, text: str) -> EssayText:
    """Derive an essay's text fields (pure, so bulk import computes it in worker processes)."""
    paragraphs = paragraphs_from_text(text=text)
    if not paragraphs:
        raise ValueError("An essay needs at least one paragraph of text.")
    previews = build_previews(
        paragraphs, ratio=settings.REDINK_PREVIEW_RATIO, max_words=settings.REDINK_PREVIEW_MAX_WORDS
    )
    return EssayText(
        body="\n\n".join(paragraphs),
        word_count=sum(word_count(p) for p in paragraphs),
        preview_lead=previews[LEAD].to_json(),
        preview_extracts=previews[EXTRACTS].to_json(),
    )


# Where `essay_set_text` leaves the text it replaced, for `essay_text_saved` to keep.
_REPLACED = "_redink_replaced_text"


def essay_set_text(*, essay: Essay, text: str | EssayText) -> Essay:
    """Replace an essay's text (unsaved) and recompute what derives from it.

    Once a saved essay with a new text is saved, call `essay_text_saved`: it keeps the text
    this replaced and carries margin comments over to the new one."""
    derived = text if isinstance(text, EssayText) else essay_text(text=text)
    if derived.body != essay.body:
        if essay.pk and essay.body and not hasattr(essay, _REPLACED):
            setattr(essay, _REPLACED, (essay.text_version, essay.body, essay.word_count))
        essay.text_version = (essay.text_version or 0) + 1 if essay.body else 1
    essay.body = derived.body
    essay.word_count = derived.word_count
    essay.preview_lead = derived.preview_lead
    essay.preview_extracts = derived.preview_extracts
    return essay


# While a bulk operation collects changed essays (see `derivatives_collected`), their ids.
_collecting: ContextVar[set[int] | None] = ContextVar("essays_changed", default=None)


def essay_changed(*, essay_id: int) -> None:
    """After the current transaction commits, refresh what derives from the essay elsewhere.

    An essay that has left the library (withdrawn, back in review) leaves the related lists
    at once, in this transaction: pages read those lists without checking each entry."""
    from redink.related.services import related_forget_unpublished

    related_forget_unpublished(essay_id=essay_id)
    _refresh_on_commit(essay_id)
    if _collecting.get() is None:  # a bulk import's pages change within the cache lifetime
        from redink.ops.purge import purge_essays_on_commit

        # Visitors see the change at once, not when nginx's copy of its pages expires.
        purge_essays_on_commit(essay_ids=[essay_id])


def section_renamed(*, section_id: int) -> None:
    """After the current transaction commits, show the section's new name wherever a copy of
    it is kept (the related cards of its essays)."""
    from redink.related.tasks import rename_related_section

    transaction.on_commit(lambda: rename_related_section.enqueue(section_id))


def _refresh_on_commit(essay_id: int) -> None:
    collected = _collecting.get()
    if collected is not None:
        collected.add(essay_id)
        return
    from .tasks import refresh_essay_derivatives

    transaction.on_commit(lambda: refresh_essay_derivatives.enqueue(essay_id))


def essays_delete(*, essay_ids: Collection[int]) -> int:
    """Delete essays for good. They leave every related list first (the lists' cards are copies
    that no cascade reaches), and their search rows go once this commits. Returns how many
    essays were deleted."""
    from redink.ops.purge import purge_essays_on_commit
    from redink.related.services import related_forget

    ids = sorted(set(essay_ids))
    with transaction.atomic():
        purge_essays_on_commit(essay_ids=ids)  # their pages are named while they still exist
        related_forget(essay_ids=ids)
        deleted = Essay.objects.filter(pk__in=ids).delete()[1].get(Essay._meta.label, 0)
        for essay_id in ids:  # they have left the lists above: only the search rows remain
            _refresh_on_commit(essay_id)
    return deleted


@contextmanager
def derivatives_collected() -> Iterator[set[int]]:
    """Within the block, changed essays are collected in the yielded set instead of each
    enqueueing its own refresh: a bulk import refreshes them together at the end
    (`redink.catalogue.derivatives.refresh_in_bulk`)."""
    collected: set[int] = set()
    token = _collecting.set(collected)
    try:
        yield collected
    finally:
        _collecting.reset(token)


def essay_text_saved(*, essay: Essay) -> EssayRevision | None:
    """After an essay whose text `essay_set_text` replaced was saved: keep the text it replaced
    as a revision, and re-anchor the margin comments written against it (in this transaction,
    so no page ever shows a comment against a text it was not placed in)."""
    replaced = essay.__dict__.pop(_REPLACED, None)
    if replaced is None:
        return None
    from redink.marking.comments import comments_reanchor

    version, body, words = replaced
    revision, _ = EssayRevision.objects.get_or_create(
        essay=essay, text_version=version, defaults={"body": body, "word_count": words}
    )
    comments_reanchor(essay=essay)
    return revision


def essay_save_text(*, essay: Essay, text: str) -> Essay:
    """Replace a saved essay's text (a new text version) and refresh what derives from it."""
    with transaction.atomic():
        essay_set_text(essay=essay, text=text)
        essay.save()
        essay_text_saved(essay=essay)
        essay_changed(essay_id=essay.pk)
    return essay


def unique_essay_slug(*, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100].strip("-") or "essay"
    slug, n = base, 2
    existing = Essay.objects.exclude(pk=exclude_pk) if exclude_pk else Essay.objects.all()
    while existing.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def essay_create(
    *,
    title: str,
    text: str | EssayText,
    section: Section,
    author: Any = None,
    slug: str = "",
    status: str = Essay.Status.PENDING,
    published_at: Any = None,
    **metadata: Any,
) -> Essay:
    essay = Essay(
        title=title.strip(),
        slug=slug or unique_essay_slug(title=title),
        section=section,
        subject_id=section.subject_id,
        level_id=section.subject.level_id,
        author=author,
        status=status,
        published_at=published_at or (timezone.now() if status == Essay.Status.PUBLISHED else None),
        **metadata,
    )
    essay_set_text(essay=essay, text=text)
    # A slug made by unique_essay_slug was just checked; only one given by the caller needs it.
    essay.full_clean(exclude=["subject", "level"], validate_unique=bool(slug))
    essay.save()
    essay_changed(essay_id=essay.pk)
    return essay


def essay_move(*, essay: Essay, section: Section) -> Essay:
    essay.section = section
    essay.subject_id = section.subject_id
    essay.level_id = section.subject.level_id
    return essay


def essay_publish(*, essay: Essay) -> Essay:
    essay.status = Essay.Status.PUBLISHED
    essay.published_at = essay.published_at or timezone.now()
    essay.save(update_fields=["status", "published_at", "updated_at"])
    essay_changed(essay_id=essay.pk)
    return essay


def essay_withdraw(*, essay: Essay) -> Essay:
    essay.status = Essay.Status.WITHDRAWN
    essay.save(update_fields=["status", "updated_at"])
    essay_changed(essay_id=essay.pk)
    return essay


def essay_record_reading(*, essay_id: int) -> None:
    Essay.objects.filter(pk=essay_id, status=Essay.Status.PUBLISHED).update(reading_count=F("reading_count") + 1)


@transaction.atomic
def taxonomy_get_or_create(*, level: str, subject: str, section: str) -> Section:
    """The section named by three names (or slugs), creating what is missing."""
    level_obj = Level.objects.filter(slug=slugify(level)).first() or Level.objects.filter(name__iexact=level).first()
    if level_obj is None:
        level_obj = Level.objects.create(name=level, slug=slugify(level), position=Level.objects.count())
    subject_obj = (
        Subject.objects.filter(level=level_obj, slug=slugify(subject)).first()
        or Subject.objects.filter(level=level_obj, name__iexact=subject).first()
    )
    if subject_obj is None:
        subject_obj = Subject.objects.create(level=level_obj, name=subject, slug=slugify(subject))
    section_obj = (
        Section.objects.filter(subject=subject_obj, slug=slugify(section)).first()
        or Section.objects.filter(subject=subject_obj, name__iexact=section).first()
    )
    if section_obj is None:
        section_obj = Section.objects.create(subject=subject_obj, name=section, slug=slugify(section))
    return section_obj
