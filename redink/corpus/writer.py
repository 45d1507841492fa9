"""Writes a corpus into the catalogue (with its labels) or out as text files and a labels CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, reset_queries, transaction

from redink.catalogue.models import Essay, Subject
from redink.catalogue.services import taxonomy_get_or_create
from redink.related.services import related_forget
from redink.submissions.originality.rebuild import signatures_store_many

from .models import CorpusEssay
from .plan import CorpusPlan
from .render import RenderedEssay, render_batches

LABEL_COLUMNS = (
    "index", "slug", "title", "level", "subject", "section", "topic", "copy_kind", "copy_of_index",
    "copy_of_second_index",
)  # fmt: skip
DELETE_CHUNK = 2000

Progress = Callable[[int], None]


class CorpusExistsError(Exception):
    """The corpus (or some of it) is already there; writing it again would duplicate it."""


@dataclass(frozen=True, slots=True)
class _SectionIds:
    section: int
    subject: int
    level: int


def corpus_essay_count(*, seed: int) -> int:
    return CorpusEssay.objects.filter(seed=seed).count()


def _sections(corpus: CorpusPlan) -> list[_SectionIds]:
    sections = [
        taxonomy_get_or_create(level=layout.level, subject=layout.subject, section=layout.name)
        for layout in corpus.sections
    ]
    levels = dict(Subject.objects.filter(id__in={s.subject_id for s in sections}).values_list("id", "level_id"))
    return [_SectionIds(section=s.id, subject=s.subject_id, level=levels[s.subject_id]) for s in sections]


def _essay(item: RenderedEssay, ids: _SectionIds) -> Essay:
    return Essay(
        title=item.title,
        slug=item.slug,
        author=None,
        section_id=ids.section,
        subject_id=ids.subject,
        level_id=ids.level,
        body=item.body,
        word_count=item.word_count,
        text_version=1,
        preview_lead=item.preview_lead,
        preview_extracts=item.preview_extracts,
        status=Essay.Status.PUBLISHED,
        published_at=item.published_at,
        created_at=item.published_at,
        reading_count=item.reading_count,
    )


def corpus_write_database(
    *, corpus: CorpusPlan, batch_size: int, workers: int = 1, progress: Progress | None = None
) -> int:
    """Publish every essay of the corpus with its label, a batch a transaction. Returns the count."""
    existing = corpus_essay_count(seed=corpus.seed)
    if existing:
        raise CorpusExistsError(
            f"The corpus for seed {corpus.seed} already has {existing:,} essays in the database. "
            f"Use another seed, or remove it first with --delete --seed {corpus.seed}."
        )
    sections = _sections(corpus)
    essay_ids: dict[int, int] = {}  # corpus index -> Essay.pk, for the labels of later copies
    written = 0
    for batch in render_batches(corpus=corpus, batch_size=batch_size, with_previews=True, workers=workers):
        with transaction.atomic():
            essays = Essay.objects.bulk_create([_essay(item, sections[item.section]) for item in batch])
            for item, essay in zip(batch, essays, strict=True):
                essay_ids[item.index] = essay.pk
            # Published essays are in the originality index, as every other way into the library makes them.
            signatures_store_many(owners=essays, texts=[item.body for item in batch], kind="essay")
            CorpusEssay.objects.bulk_create(
                CorpusEssay(
                    essay_id=essay_ids[item.index],
                    seed=corpus.seed,
                    index=item.index,
                    topic=item.topic,
                    copy_kind=item.copy_kind,
                    copy_of_id=essay_ids[item.copy_of] if item.copy_of is not None else None,
                    copy_of_second_id=essay_ids[item.copy_of_second] if item.copy_of_second is not None else None,
                )
                for item in batch
            )
        reset_queries()  # with DEBUG on, Django would keep every INSERT (whole essays) in memory
        written += len(batch)
        if progress:
            progress(written)
    if connection.vendor == "postgresql":
        # The planner's statistics lag a bulk load until autovacuum (if it is on) catches up; without
        # them it takes 160,000 published essays for a few hundred and scans the status index to
        # look up eight essays by id.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Essay._meta.db_table}, {CorpusEssay._meta.db_table}")
    return written


def corpus_delete(*, seed: int, progress: Progress | None = None) -> int:
    """Remove the essays (and labels) of one seed's corpus. The taxonomy it created stays."""
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(CorpusEssay.objects.filter(seed=seed).values_list("essay_id", flat=True)[:DELETE_CHUNK])
            if not ids:
                return deleted
            related_forget(essay_ids=ids)  # no cascade reaches the cards of other essays' lists
            Essay.objects.filter(id__in=ids).delete()
        deleted += len(ids)
        if progress:
            progress(deleted)


def essay_file_text(item: RenderedEssay) -> str:
    """Title, a blank line, then the paragraphs separated by blank lines."""
    return item.title + "\n\n" + "\n\n".join(item.paragraphs) + "\n"


def corpus_write_files(
    *, corpus: CorpusPlan, out_dir: Path, batch_size: int, workers: int = 1, progress: Progress | None = None
) -> int:
    """DIR/essays/<index>.txt and DIR/labels.csv. Refuses a directory that already holds a corpus."""
    essays_dir = out_dir / "essays"
    labels_path = out_dir / "labels.csv"
    if labels_path.exists() or (essays_dir.is_dir() and any(essays_dir.iterdir())):
        raise CorpusExistsError(f"{out_dir} already holds a corpus; choose an empty directory.")
    essays_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    with labels_path.open("w", encoding="utf-8", newline="") as labels_file:
        labels = csv.writer(labels_file, lineterminator="\n")
        labels.writerow(LABEL_COLUMNS)
        for batch in render_batches(corpus=corpus, batch_size=batch_size, with_previews=False, workers=workers):
            for item in batch:
                (essays_dir / f"{item.index}.txt").write_text(essay_file_text(item), encoding="utf-8", newline="\n")
                section = corpus.sections[item.section]
                labels.writerow(
                    (
                        item.index, item.slug, item.title, section.level, section.subject, section.name,
                        item.topic, item.copy_kind, _blank_if_none(item.copy_of), _blank_if_none(item.copy_of_second),
                    )
                )  # fmt: skip
            written += len(batch)
            if progress:
                progress(written)
    return written


def _blank_if_none(value: int | None) -> str | int:
    return "" if value is None else value
