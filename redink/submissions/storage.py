"""Where uploaded files are kept: a private directory, never under MEDIA_ROOT.

nginx serves MEDIA_ROOT to anyone (docs/deploy.md), and an upload awaiting review is text
nobody but its author and the moderators may read, so uploads live elsewhere and are only
ever sent by a view that checks who is asking.
"""

from __future__ import annotations

import os
import posixpath
import re
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404

# The formats an upload is found to be (`Submission.detected_format`, or `extract.sniff` of the
# stored bytes), and what each is sent as. Anything else goes out as bare bytes.
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
    "rtf": "application/rtf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "paste": "text/plain; charset=utf-8",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "zip": "application/zip",
}
FALLBACK_TYPE = "application/octet-stream"
_SAFE_FOLDER = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_SAFE_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,80}\.[a-z0-9]{1,10}$")
# Characters no download name keeps: path separators, quotes, and every control character.
_UNSAFE_IN_NAME = re.compile(r'[\\/"\x00-\x1f\x7f-\x9f]')


class SubmissionFileStorage(FileSystemStorage):
    """A file system storage whose location follows the setting (so tests can point it elsewhere)."""

    @property
    def base_location(self) -> str:
        return str(settings.REDINK_SUBMISSION_FILES_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Uploaded files have no public address; moderators download them through a view.")

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        """The name a file is stored under is decided here, not by the uploader: the folders
        the field asks for (plain words only), then the file's own name only when it is a plain
        word with a plain extension ("staff-card.pdf", which a moderator recognises), and a random
        name otherwise. A name such as "../../etc/passwd", or one holding NULs, newlines or
        anything else, never reaches the file system."""
        folder, name = posixpath.split(os.fspath(filename).replace("\\", "/"))
        folders: list[str] = []
        for part in folder.split("/") if folder else []:
            if not _SAFE_FOLDER.match(part):
                break  # "..", or anything odd: no folder from here on is the field's own
            folders.append(part)
        if not _PLAIN_NAME.match(name):
            extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            extension = extension if _SAFE_EXTENSION.match(extension) else "bin"
            name = f"{secrets.token_hex(16)}.{extension}"
        return posixpath.join(*folders, name)


_storage = SubmissionFileStorage()


def submission_storage() -> SubmissionFileStorage:
    return _storage


def download_name(name: str, *, fallback: str = "upload") -> str:
    """The name a download is offered under: the uploader's own file name, with no folders,
    no control characters (so no header can be split), no quotes, and at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_IN_NAME.sub("", name).strip(" .")
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 119 - len(extension)]}.{extension}" if dot and len(extension) <= 10 else name[:120]
    return name or fallback


def detected_content_type(field_file: Any, *, detected_format: str = "") -> str:
    """What the stored file was found to be, never what the uploader's browser said it was:
    the format processing recorded, or else (a file that failed before that) its first bytes."""
    if detected_format in CONTENT_TYPES:
        return CONTENT_TYPES[detected_format]
    from .extract.sniff import sniff

    with field_file.open("rb") as handle:
        head = handle.read(64 * 1024)
    return CONTENT_TYPES.get(sniff(head), FALLBACK_TYPE)


def private_file_download(field_file: Any, *, filename: str, detected_format: str = "") -> FileResponse:
    """A privately stored file, exactly as uploaded, always as a download: sent as the type it
    was found to be, but never rendered by the browser (an uploaded page may be hostile HTML),
    sniffed or scripted. 404 when the file has gone missing."""
    try:
        content_type = detected_content_type(field_file, detected_format=detected_format)
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing from the private storage.") from missing
    response = FileResponse(handle, as_attachment=True, filename=download_name(filename), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser show it after all, it would be a page with no scripts, forms or origin.
    response["Content-Security-Policy"] = "sandbox"
    return response
