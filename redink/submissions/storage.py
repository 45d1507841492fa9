"""Where uploaded files are kept: a private directory, never under MEDIA_ROOT.

nginx serves MEDIA_ROOT to anyone (docs/deploy.md), and an upload awaiting review is text
nobody but its author and the moderators may read, so uploads live elsewhere and are only
ever sent by a view that checks who is asking.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class SubmissionFileStorage(FileSystemStorage):
    """A file system storage whose location follows the setting (so tests can point it elsewhere)."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.REDINK_SUBMISSION_FILES_DIR)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Uploaded files have no public address; moderators download them through a view.")


_storage = SubmissionFileStorage()


def submission_storage() -> SubmissionFileStorage:
    return _storage
