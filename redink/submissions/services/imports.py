"""Bulk import for operators: the same extraction and originality checks as an upload, one file at a time.

The operator is trusted: an imported essay is published at once, unless it is refused as a copy
or flagged as a partial copy (then it waits in the review queue). Each file is one transaction,
recorded under a key made of its path and content, so a run that is killed loses at most the
file it was on, and a re-run skips every file already done.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from redink.catalogue.models import Essay
from redink.catalogue.services import essay_create, taxonomy_get_or_create

from ..extract import ExtractionError, check_length, extract_document
from ..models import ImportRecord, ModerationEvent, Submission
from ..originality.index import exclusive_check, signature_store
from ..originality.matching import find_matches
from ..originality.shingles import shingle
from .events import event_log
from .processing import fail_submission, submission_route, without_title


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


def import_key(*, path: Path, data: bytes) -> str:
    content = hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"{path.resolve()}\0{content}".encode()).hexdigest()


def import_file(
    *, item: ImportItem, data: bytes, sections: dict[tuple[str, str, str], Any] | None = None
) -> ImportResult:
    """Import one file (or report what an earlier run did with it). `sections` caches the taxonomy."""
    key = import_key(path=item.path, data=data)
    done = ImportRecord.objects.filter(key=key).first()
    if done is not None:
        return ImportResult(path=str(item.path), outcome="skipped", message=done.message, earlier=done.outcome)
    with transaction.atomic():
        exclusive_check()
        result, submission, essay = _import(item=item, data=data, sections=sections if sections is not None else {})
        ImportRecord.objects.create(
            key=key, path=str(item.path)[:1000], outcome=result.outcome, message=result.message,
            submission=submission, essay=essay,
        )  # fmt: skip
    return result


def _import(
    *, item: ImportItem, data: bytes, sections: dict[tuple[str, str, str], Any]
) -> tuple[ImportResult, Submission, Essay | None]:
    path = str(item.path)
    names = (item.level, item.subject, item.section)
    section = sections.get(names)
    if section is None:
        section = sections[names] = taxonomy_get_or_create(level=item.level, subject=item.subject, section=item.section)
    submission = Submission(
        contributor=author_for(email=item.author_email),
        source=Submission.Source.IMPORT,
        title=(item.title or item.path.stem)[:250],
        section=section,
        exam_board=item.exam_board,
        year=item.year,
        grade=item.grade,
        declaration=True,
        original_filename=item.path.name[-255:],
        file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(),
    )
    try:
        extracted = extract_document(data=data, filename=item.path.name)
        if not item.title and extracted.title:
            submission.title = extracted.title[:250]
        text = "\n\n".join(without_title(extracted.paragraphs, title=submission.title))
        check_length(
            words=len(text.split()), minimum=settings.REDINK_ESSAY_MIN_WORDS, maximum=settings.REDINK_ESSAY_MAX_WORDS
        )
    except ExtractionError as problem:
        _keep_file(submission, data)
        fail_submission(submission, problem)
        return ImportResult(path=path, outcome=ImportRecord.Outcome.FAILED, message=problem.message), submission, None

    submission.extracted_text = text
    submission.word_count = len(text.split())
    submission.detected_format = extracted.format
    shingled = shingle(text)
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

    essay = essay_create(
        title=submission.title,
        text=text,
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
