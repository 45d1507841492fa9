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


def private_file_download(field_file, *, filename: str):  # type: ignore[no-untyped-def]
    """A privately stored file, exactly as uploaded, always as a download: never rendered by the
    browser (it may be hostile HTML), sniffed or scripted. 404 when the file has gone missing."""
    from django.http import FileResponse, Http404

    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing from the private storage.") from missing
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
