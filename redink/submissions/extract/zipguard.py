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
from collections.abc import Callable

import docx  # noqa: F401  (importing the package registers its part classes with PartFactory)
from docx.opc.part import PartFactory
from lxml import etree

from . import messages
from .base import ExtractionError, Limits, human_size
from .depth import xml_deeper_than

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

CONTENT_TYPES = "[Content_Types].xml"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)

_UNREADABLE: tuple[type[BaseException], ...] = (*ZIP_ERRORS, OSError, ValueError)


def check_zip(data: bytes, *, format: str, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_sizes(members, limits=limits)
            _check_depth(archive, members=members, format=format, limits=limits)
    except (*_UNREADABLE, etree.LxmlError) as exc:
        raise messages.corrupt(format=format) from exc


def _check_sizes(members: list[zipfile.ZipInfo], *, limits: Limits) -> None:
    if len(members) > limits.zip_max_members:
        raise messages.zip_bomb(detail=f"{len(members):,} files inside, over the limit of {limits.zip_max_members:,}")
    total = sum(member.file_size for member in members)
    if total > limits.zip_max_uncompressed:
        raise messages.zip_bomb(
            detail=f"{human_size(total)} once unpacked, over the limit of {human_size(limits.zip_max_uncompressed)}"
        )


def _check_depth(archive: zipfile.ZipFile, *, members: list[zipfile.ZipInfo], format: str, limits: Limits) -> None:
    """Refuse a document whose XML parts nest deeper than the limit, before a parser reads them.
    The sizes were checked first, so unpacking the parts is bounded."""

    def check(member: zipfile.ZipInfo) -> None:
        if xml_deeper_than(archive.read(member), limits.max_depth):
            raise messages.too_deep(format=format, limit=limits.max_depth)

    xml = [m for m in members if m.filename.endswith((".xml", ".rels"))]
    if format == "docx":
        xml = _parsed_by_python_docx(archive, xml, check=check)
    for member in xml:
        check(member)


def _parsed_by_python_docx(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], *, check: Callable[[zipfile.ZipInfo], None]
) -> list[zipfile.ZipInfo]:
    """The XML parts python-docx parses: the relationships, and the parts whose content type it
    has a class for (the document, styles, numbering, headers and footers…), whatever their
    names. Word's other parts it keeps as bytes: stylesWithEffects.xml alone is 440 KB in an
    empty document, and scanning it was most of what extraction took beyond the library's own
    time. The content-type list itself is checked first, then read."""
    listing = next((m for m in members if m.filename == CONTENT_TYPES), None)
    if listing is None:
        return members  # python-docx refuses a package without one
    check(listing)
    types = etree.fromstring(archive.read(listing), parser=_PARSER)
    by_extension = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{{{_CT}}}Default")}
    by_name = {
        o.get("PartName", "").lstrip("/").lower(): o.get("ContentType") for o in types.iter(f"{{{_CT}}}Override")
    }
    parsed = frozenset(PartFactory.part_type_for)

    def parsed_part(name: str) -> bool:
        # Part names and extensions match whatever their case, as python-docx matches them.
        kind = by_name.get(name.lower()) or by_extension.get(name.rsplit(".", 1)[-1].lower())
        return name.endswith(".rels") or kind in parsed

    return [m for m in members if m is not listing and parsed_part(m.filename)]


__all__ = ["ExtractionError", "check_zip"]
