"""Files over REDINK_UPLOAD_MAX_BYTES are refused while they arrive, and nothing of them is kept.

Django reads a multipart body through its upload handlers, which store each file in memory
or in a temporary file as it comes. `DATA_UPLOAD_MAX_MEMORY_SIZE` counts only the other
fields, so without this handler a 2 GB "essay" would be written to disk whole before any view
could look at its size. This handler comes first: it counts each file's bytes and, past the
limit, tells the parser to skip the rest of that file (`SkipFile`), whose partial copy the
parser then deletes. The other fields are still read, so the form comes back with what was
typed and a message about the file (`UploadForm`, status 413).

There is nothing of the uploader's to keep: a moderator has no use for a file's first 10 MB.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class RefusedUpload:
    """What a refused file was (set on the request as `refused_upload`)."""

    def __init__(self, *, field_name: str, file_name: str, limit: int) -> None:
        self.field_name = field_name
        self.file_name = file_name
        self.limit = limit


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        limit = settings.REDINK_UPLOAD_MAX_BYTES
        if self.received > limit:
            self.request.refused_upload = RefusedUpload(  # type: ignore[union-attr]
                field_name=self.field_name, file_name=self.file_name or "", limit=limit
            )
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file
