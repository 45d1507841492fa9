"""A contributor's upload: saved first, then processed by a task enqueued on commit."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from redink.catalogue.models import Essay, Section
from redink.core.ratelimit import Rate, limit_check, limit_consume, wait_phrase

from ..licence import LICENCE_VERSION
from ..models import ModerationEvent, Submission
from .events import event_log


def submission_create(
    *,
    contributor: Any,
    title: str,
    section: Section,
    declaration: bool,
    file: UploadedFile | None = None,
    text: str = "",
    exam_board: str = "",
    year: int | None = None,
    grade: str = "",
    replaces: Essay | None = None,
) -> Submission:
    """Save an upload (the file, or the pasted text) and queue its processing."""
    if (file is None) == (not text.strip()):
        raise ValueError("An upload is a file or pasted text, not both or neither.")
    if not declaration:
        raise ValueError("The contributor must declare the work their own and grant the licence.")
    if replaces is not None and replaces.author_id != getattr(contributor, "pk", None):
        raise PermissionError("Only an essay's author may replace its text.")
    submission = Submission(
        contributor=contributor,
        source=Submission.Source.FILE if file is not None else Submission.Source.PASTE,
        title=title.strip(),
        section=section,
        exam_board=exam_board.strip(),
        year=year,
        grade=grade.strip(),
        replaces=replaces,
        pasted_text=text if file is None else "",
        declaration=True,
        licence_version=LICENCE_VERSION,
    )
    with transaction.atomic():
        if file is not None:
            submission.original_filename = (file.name or "upload")[-255:]
            submission.file_size = file.size or 0
            submission.file_sha256 = _sha256(file)
            submission.file.save(submission.original_filename, file, save=False)
        submission.save()
        event_log(action=ModerationEvent.Action.UPLOADED, actor=contributor, submission=submission)
        submission_enqueue(submission_id=submission.pk)
    return submission


# Uploads a contributor may make (staff are exempt): scope, setting, window in seconds.
UPLOAD_LIMITS = (
    ("uploads-hour", "REDINK_UPLOADS_PER_HOUR", 3600),
    ("uploads-day", "REDINK_UPLOADS_PER_DAY", 86400),
)


def upload_limit_message(*, user: Any) -> str:
    """Why this user may not upload just now ("" when they may)."""
    if user.is_staff:
        return ""
    for scope, setting, seconds in UPLOAD_LIMITS:
        rate = Rate(getattr(settings, setting), seconds)
        verdict = limit_check(scope=scope, ident=f"user:{user.pk}", rate=rate)
        if not verdict.allowed:
            return (
                f"You have reached the limit of {rate.describe('uploads')}. You can upload again in "
                f"{wait_phrase(verdict.retry_after)}; your uploads so far are all safely in the queue."
            )
    return ""


def upload_count(*, user: Any) -> None:
    """Count one upload against the user's limits."""
    if user.is_staff:
        return
    for scope, setting, seconds in UPLOAD_LIMITS:
        limit_consume(scope=scope, ident=f"user:{user.pk}", rate=Rate(getattr(settings, setting), seconds))


def submission_enqueue(*, submission_id: int) -> None:
    from ..tasks import process_submission

    transaction.on_commit(lambda: process_submission.enqueue(submission_id))


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
