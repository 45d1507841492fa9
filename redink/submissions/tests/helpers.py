"""Helpers shared by the submissions tests."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from redink.submissions.models import Submission
from redink.submissions.services.uploads import submission_create
from redink.submissions.testing.documents import MAKERS

from .conftest import uploaded


def upload_file(
    *, contributor: Any, section: Any, filename: str, data: bytes, title: str = "An essay of mine", **extra: Any
) -> Submission:
    """Upload a file as the upload page does, with the processing task run on commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission = submission_create(
            contributor=contributor,
            title=title,
            section=section,
            declaration=True,
            file=uploaded(filename, data),
            **extra,
        )
    submission.refresh_from_db()
    return submission


def upload_document(
    *,
    contributor: Any,
    section: Any,
    paragraphs: list[str],
    fmt: str = "docx",
    title: str = "An essay of mine",
    **extra: Any,
) -> Submission:
    data = MAKERS[fmt](title, paragraphs)
    return upload_file(
        contributor=contributor, section=section, filename=f"essay.{fmt}", data=data, title=title, **extra
    )


def upload_text(
    *, contributor: Any, section: Any, text: str, title: str = "A pasted essay", **extra: Any
) -> Submission:
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission = submission_create(
            contributor=contributor, title=title, section=section, declaration=True, text=text, **extra
        )
    submission.refresh_from_db()
    return submission
