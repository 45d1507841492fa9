"""Fixtures for the submissions tests: private upload storage in a temporary folder, contributors,
moderators, and essay texts from the project's corpus generator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from redink.corpus.plan import CorpusPlan, build_plan
from redink.corpus.text import Draft, write_essay
from redink.testing import factories


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-uploads"


@pytest.fixture(scope="session")
def corpus() -> CorpusPlan:
    """A small generated library with every kind of copy (exact, edited, first half, extracts, interleaved)."""
    return build_plan(seed=5, essays=160)


@pytest.fixture(scope="session")
def drafts(corpus: CorpusPlan) -> list[Draft]:
    return [write_essay(corpus=corpus, index=i) for i in range(len(corpus))]


@pytest.fixture(scope="session")
def originals(drafts: list[Draft]) -> list[Draft]:
    """Generated essays that copy nothing, each 1,000 to 2,000 words."""
    return [d for d in drafts if not d.plan.copy_kind]


@pytest.fixture
def contributor(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(display_name="Keen Contributor")


@pytest.fixture
def moderator(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(display_name="Mod Erator", is_staff=True)


@pytest.fixture
def committed() -> Callable[..., Any]:
    """Call a service and run its on-commit work (tasks run at enqueue in tests), as a request would."""

    def call(service: Callable[..., Any], **kwargs: Any) -> Any:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return service(**kwargs)

    return call


def uploaded(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
