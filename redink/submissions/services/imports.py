"""Bulk import for operators: the same extraction and originality checks as an upload.

The operator is trusted: an imported essay is published at once, unless it is refused as a copy
or flagged as a partial copy (then it waits in the review queue).

A file goes through two steps. `prepare_import` is pure work on the file alone (reading,
extraction, previews, shingles), so the command runs it in worker processes. `import_batch`
then checks each prepared file against the library and writes it, a batch of files to a
transaction, in file order, so a file is compared with every file before it. Each file is
recorded under a key made of its path and content: a killed run loses at most the batch it was
on, and a re-run skips every file already done.

Search rows and related lists are refreshed for all imported essays together at the end
(`import_finish`), which a re-run after a kill also does for the essays the killed run left.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from redink.catalogue.derivatives import BulkRefresh, refresh_in_bulk
from redink.catalogue.models import Essay
from redink.catalogue.services import (
    EssayText,
    derivatives_collected,
    essay_create,
    essay_text,
    taxonomy_get_or_create,
)
from redink.core.parallel import TIMED_OUT
from redink.core.text import invisible_characters_message, without_invisible_characters

from ..extract import ExtractionError, check_length, claimed_format, extract_document, messages
from ..models import ImportRecord, ModerationEvent, Submission
from ..originality.index import exclusive_check, last_signature_id, signature_store
from ..originality.matching import find_matches
from ..originality.shingles import Shingled, shingle
from .events import event_log
from .processing import fail_submission, submission_route, without_title

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportItem:
    path: Path
    level: str
    subject: str
    section: str
    title: str = ""
    author_email: str = ""
    exam_board: str = ""
    year: int | None = None
    grade: str = ""


@dataclass(frozen=True)
class ImportResult:
    path: str
    outcome: str  # one of ImportRecord.Outcome, or "skipped" when an earlier run did it
    message: str
    essay_url: str = ""
    earlier: str = ""  # for a skipped file, what the earlier run did


@dataclass(frozen=True)
class Prepared:
    """A file read and worked on, ready to be checked against the library and written."""

    item: ImportItem
    data: bytes
    sha256: str  # of the content
    key: str
    title: str
    format: str = ""
    text: str = ""
    derived: EssayText | None = None
    shingled: Shingled | None = None
    # Why the file cannot be taken: (code, message) of an ExtractionError (which does not
    # survive pickling on its way back from a worker process), or an unreadable file's reason.
    problem: tuple[str, str] | None = None
    unreadable: str = ""
    # Set when the file was already checked against the library's signatures up to this id
    # (in a worker process, see `check_prior`); `prior_match` says whether any overlapped.
    checked_through: int | None = None
    prior_match: bool = False


def import_key(*, path: Path, sha256: str) -> str:
    """The record key of a file: its path and its content's hash."""
    return hashlib.sha256(f"{path.resolve()}\0{sha256}".encode()).hexdigest()


def prepare_import(*, item: ImportItem) -> Prepared:
    """Everything about one file that needs no database. Never raises for a bad file."""
    try:
        data = item.path.read_bytes()
    except OSError as problem:
        return Prepared(item=item, data=b"", sha256="", key="", title="", unreadable=str(problem))
    sha256 = hashlib.sha256(data).hexdigest()
    prepared = Prepared(
        item=item,
        data=data,
        sha256=sha256,
        key=import_key(path=item.path, sha256=sha256),
        title=_title(item.title or item.path.stem),
    )
    # A title the operator typed in the manifest is refused as an upload's would be.
    refused_title = invisible_characters_message(noun="Titles", text=item.title)
    if refused_title:
        return replace(prepared, problem=("invisible_title", refused_title))
    try:
        extracted = extract_document(data=data, filename=item.path.name)
        title = _title(extracted.title) if not item.title and extracted.title else prepared.title
        text = "\n\n".join(without_title(paragraphs=extracted.paragraphs, title=title))
        words = len(text.split())
        check_length(words=words, minimum=settings.REDINK_ESSAY_MIN_WORDS, maximum=settings.REDINK_ESSAY_MAX_WORDS)
    except ExtractionError as problem:
        return replace(prepared, problem=(problem.code, problem.message))
    shingled = shingle(text)
    shingled.minhash  # noqa: B018 - worked out here, in the worker, and carried back with it
    return replace(
        prepared, title=title, format=extracted.format, text=text, derived=essay_text(text=text), shingled=shingled
    )


def prepare_failed(*, item: ImportItem, reason: str) -> Prepared:
    """A file whose preparation was killed (`reason`: timed out or crashed), kept for a moderator."""
    try:
        data = item.path.read_bytes()
    except OSError as unreadable:
        return Prepared(item=item, data=b"", sha256="", key="", title="", unreadable=str(unreadable))
    sha256 = hashlib.sha256(data).hexdigest()
    if reason == TIMED_OUT:
        problem = messages.timed_out(seconds=settings.REDINK_EXTRACT_TIMEOUT_SECONDS)
    else:
        problem = messages.crashed(format=claimed_format(item.path.name)[1] or "document")
    return Prepared(
        item=item,
        data=data,
        sha256=sha256,
        key=import_key(path=item.path, sha256=sha256),
        title=_title(item.title or item.path.stem),
        problem=(problem.code, problem.message),
    )


def check_prior(*, prepared: Prepared) -> Prepared:
    """Check a prepared file against every signature stored so far, from a worker process
    with a database connection of its own. The writer then only compares it with what was
    stored since (`_import`): the costly part of the check leaves the writer's process."""
    if prepared.shingled is None:
        return prepared
    through = last_signature_id()
    matches = find_matches(shingled=prepared.shingled, stored_through=through)
    return replace(prepared, checked_through=through, prior_match=bool(matches))


def _title(text: str) -> str:
    # Invisible characters in a title read from a document or a file name are taken out: nobody
    # typed them, and refusing the essay for them would help no one.
    return without_invisible_characters(text).strip()[:250]


def import_batch(*, batch: list[Prepared], sections: dict[tuple[str, str, str], Any]) -> list[ImportResult]:
    """Check and write prepared files in one transaction, in order. `sections` caches the taxonomy.

    A file that fails unexpectedly is rolled back alone (and retried by the next run); the
    others of the batch still commit.
    """
    results: list[ImportResult] = []
    with transaction.atomic():
        exclusive_check()
        _roomy_cache()
        keys = [p.key for p in batch if p.key]
        done = {r.key: r for r in ImportRecord.objects.filter(key__in=keys)} if keys else {}
        for prepared in batch:
            path = str(prepared.item.path)
            if prepared.unreadable:
                results.append(ImportResult(path=path, outcome="failed", message=prepared.unreadable))
                continue
            earlier = done.get(prepared.key)
            if earlier is not None:
                results.append(
                    ImportResult(path=path, outcome="skipped", message=earlier.message, earlier=earlier.outcome)
                )
                continue
            try:
                with transaction.atomic():
                    result, submission, essay = _import(prepared, sections=sections)
                    done[prepared.key] = ImportRecord.objects.create(
                        key=prepared.key, path=path[:1000], outcome=result.outcome, message=result.message,
                        submission=submission, essay=essay, refreshed=essay is None,
                    )  # fmt: skip
            except Exception as problem:  # one bad file must not stop the run; it is retried by the next
                logger.exception("Importing %s failed", path)
                sections.clear()  # what the rolled-back file created is gone
                result = ImportResult(path=path, outcome="failed", message=f"internal error: {problem!r}")
            results.append(result)
    return results


# SQLite settings for a bulk import's connection. The indexes it writes at random places
# outgrow the default 2 MB page cache within a few thousand essays, and checkpointing the
# write-ahead log every 1,000 pages would copy the same hot index pages over and over.
_IMPORT_CACHE_KIB = 256 * 1024
_IMPORT_CHECKPOINT_PAGES = 20_000


def _roomy_cache() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{_IMPORT_CACHE_KIB}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {_IMPORT_CHECKPOINT_PAGES}")


def import_finish(*, progress: Callable[[int, int], None] | None = None) -> BulkRefresh:
    """Index and relate every imported essay not yet refreshed (this run's, and any a killed run left)."""
    pending = ImportRecord.objects.filter(outcome=ImportRecord.Outcome.IMPORTED, refreshed=False)
    essay_ids = list(pending.exclude(essay=None).values_list("essay_id", flat=True))
    refreshed = refresh_in_bulk(essay_ids=essay_ids, progress=progress)
    pending.update(refreshed=True)
    return refreshed


def _import(
    prepared: Prepared, *, sections: dict[tuple[str, str, str], Any]
) -> tuple[ImportResult, Submission, Essay | None]:
    item = prepared.item
    path = str(item.path)
    names = (item.level, item.subject, item.section)
    section = sections.get(names)
    if section is None:
        section = sections[names] = taxonomy_get_or_create(level=item.level, subject=item.subject, section=item.section)
    data = prepared.data
    submission = Submission(
        contributor=author_for(email=item.author_email),
        source=Submission.Source.IMPORT,
        title=prepared.title,
        section=section,
        exam_board=item.exam_board,
        year=item.year,
        grade=item.grade,
        declaration=True,
        original_filename=item.path.name[-255:],
        file_size=len(data),
        file_sha256=prepared.sha256,
    )
    if prepared.problem is not None or prepared.shingled is None or prepared.derived is None:
        problem = ExtractionError(*(prepared.problem or ("unreadable", "The file could not be read.")))
        _keep_file(submission, data)
        fail_submission(submission=submission, problem=problem)
        return ImportResult(path=path, outcome=ImportRecord.Outcome.FAILED, message=problem.message), submission, None

    text, shingled = prepared.text, prepared.shingled
    submission.extracted_text = text
    submission.word_count = len(text.split())
    submission.detected_format = prepared.format
    if prepared.checked_through is not None and not prepared.prior_match:
        matches = find_matches(shingled=shingled, stored_after=prepared.checked_through)
    else:  # not checked yet, or it overlaps something: the whole check, here
        matches = find_matches(shingled=shingled)
    copy = next((m for m in matches if m.is_copy), None)
    partial = next((m for m in matches if m.is_partial), None)
    if copy is not None or partial is not None:
        _keep_file(submission, data)
        submission.save()
        submission_route(submission=submission, matches=matches)
        if copy is not None:
            outcome, message = ImportRecord.Outcome.REFUSED, f"copy of “{copy.title}”{_where(copy.essay)}"
        else:
            assert partial is not None  # noqa: S101 - one of the two is set
            overlap = partial.overlap
            message = (
                f"overlaps “{partial.title}”{_where(partial.essay)}: {overlap.containment:.0%} of it is in that text, "
                f"{overlap.containment_other:.0%} of that text is in it, longest shared passage "
                f"{overlap.longest_passage} words"
            )
            outcome = ImportRecord.Outcome.FLAGGED
        return ImportResult(path=path, outcome=outcome, message=message), submission, None

    with derivatives_collected():  # refreshed with the others by import_finish
        essay = essay_create(
            title=submission.title,
            text=prepared.derived,
            section=section,
            author=submission.contributor,
            status=Essay.Status.PUBLISHED,
            exam_board=item.exam_board,
            year=item.year,
            grade=item.grade,
        )
    submission.essay = essay
    submission.status = Submission.Status.PUBLISHED
    submission.processed_at = submission.decided_at = timezone.now()
    submission.max_jaccard = max((m.overlap.jaccard for m in matches), default=0.0)
    submission.max_containment = max((m.overlap.containment_max for m in matches), default=0.0)
    submission.save()
    signature_store(shingled=shingled, essay=essay, replace=False)
    event_log(action=ModerationEvent.Action.IMPORTED, submission=submission, essay=essay, note=path[-500:])
    url = essay.get_absolute_url()
    return ImportResult(path=path, outcome=ImportRecord.Outcome.IMPORTED, message=url, essay_url=url), submission, essay


def author_for(*, email: str) -> Any:
    """The account for an imported essay's author, created without a password when missing.

    Its owner can claim it through "forgot password"; it earns no membership days for imports.
    """
    email = email.strip()
    if not email:
        return None
    users = get_user_model()
    user = users.objects.filter(email__iexact=email).first()
    if user is None:
        user = users.objects.create_user(email=email, password=None)
    return user


def _keep_file(submission: Submission, data: bytes) -> None:
    """A file that needs a moderator's eyes is kept, as an uploaded one is."""
    submission.file.save(submission.original_filename or "import", ContentFile(data), save=False)


def _where(essay: Essay | None) -> str:
    return f" ({essay.get_absolute_url()})" if essay is not None else " (in the review queue)"
