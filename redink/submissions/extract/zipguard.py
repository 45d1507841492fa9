"""Zip bombs: a .docx or .odt is a zip, and a small zip can unpack to gigabytes.

The zip's table of contents is checked before any library opens it: too many members, or too
much declared uncompressed data, and the file is refused. Python's zipfile never inflates a
member beyond its declared size (a lying size fails the CRC check instead), so the declared
sizes bound what a library can be made to unpack.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from . import messages
from .base import ExtractionError, Limits, human_size
from .depth import xml_depth

# What Python's zipfile raises on a damaged archive: bad structure, bad deflate data, a compression
# method it does not know, a member that is encrypted.
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
)

_UNREADABLE: tuple[type[BaseException], ...] = (*ZIP_ERRORS, OSError, ValueError)


def check_zip(data: bytes, *, format: str, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except _UNREADABLE as exc:
        raise messages.corrupt(format=format) from exc
    if len(members) > limits.zip_max_members:
        raise messages.zip_bomb(detail=f"{len(members):,} files inside, over the limit of {limits.zip_max_members:,}")
    total = sum(member.file_size for member in members)
    if total > limits.zip_max_uncompressed:
        raise messages.zip_bomb(
            detail=f"{human_size(total)} once unpacked, over the limit of {human_size(limits.zip_max_uncompressed)}"
        )
    check_xml_depth(data, members=members, format=format, limits=limits)


def check_xml_depth(data: bytes, *, members: list[zipfile.ZipInfo], format: str, limits: Limits) -> None:
    """Refuse a document whose XML parts nest deeper than the limit, before a parser reads them.
    The sizes were checked first, so unpacking the parts is bounded."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and xml_depth(archive.read(member)) > limits.max_depth:
                    raise messages.too_deep(format=format, limit=limits.max_depth)
    except _UNREADABLE as exc:
        raise messages.corrupt(format=format) from exc


__all__ = ["ExtractionError", "check_zip"]
