"""What a file really is, from its first bytes (and, for zips, its table of contents).

The extension a contributor's file carries is only a claim; this is what we check it against.
No libmagic: the handful of formats we take have well-known signatures.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta ", b"<title")
_IMAGES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"), (b"GIF89a", "gif"))
# Control characters (other than spacing), C1 controls and replacement marks: rare in text.
_ODD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(data: bytes) -> str:
    """One of docx, odt, zip, pdf, rtf, ole, html, text, png, jpeg, gif, binary."""
    head = data[:1024]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # .doc, .xls, and every password-protected Office file
    # A PDF's header may follow a little junk (readers look in the first 1 KB).
    if b"%PDF-" in head:
        return "pdf"
    for signature, kind in _IMAGES:
        if head.startswith(signature):
            return kind
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    if not looks_like_text(data):
        return "binary"
    lowered = _ascii_lower(head)
    if any(marker in lowered for marker in _HTML_MARKERS) or (b"<p>" in lowered and b"</p>" in lowered):
        return "html"
    return "text"


def _zip_kind(data: bytes) -> str:
    if _starts_as_odt(data):
        return "odt"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200 and archive.read(info).strip().startswith(ODT_MIMETYPE):
                    return "odt"
            if "content.xml" in names and "META-INF/manifest.xml" in names:
                return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError, RuntimeError):
        # Unreadable as a zip; whether it claimed to be a .docx or an .odt decides the message.
        return "zip-broken"
    return "zip"


def _starts_as_odt(data: bytes) -> bool:
    """An OpenDocument package's first member is its media type, named `mimetype`, stored
    uncompressed with no extra field, so that the type can be read from fixed offsets (ODF 1.2,
    part 3, section 3.3): the check needs no zip directory. Opening the zip only to learn this was
    a tenth of extracting a short .odt. A package that starts so but is damaged further on is
    refused by the zip check that follows (`zipguard`), as damaged."""
    return (
        data[8:10] == b"\x00\x00"  # stored
        and data[26:30] == b"\x08\x00\x00\x00"  # an eight-byte name, no extra field
        and data[30:38] == b"mimetype"
        and data[38 : 38 + len(ODT_MIMETYPE)] == ODT_MIMETYPE
    )


def _ascii_lower(data: bytes) -> bytes:
    # UTF-16 text has NULs between ASCII letters; drop them so markers are still found.
    return data.replace(b"\x00", b"").lower()


def decode_text(data: bytes, *, complete: bool = True) -> str | None:
    """The text of a file that is text, or None. Honours byte-order marks; else UTF-8, else Windows-1252.

    With `complete=False` the data is a sample whose last character may be cut short.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None if complete else data[: len(data) - len(data) % 2].decode("utf-16", errors="replace")
    if b"\x00" in data:
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def looks_like_text(data: bytes) -> bool:
    """Text decodes, and hardly any of it is control characters or replacement marks."""
    sample = data[:65536]
    text = decode_text(sample, complete=len(data) <= len(sample))
    if text is None:
        return False
    if not text.strip():
        return True
    return len(_ODD.findall(text)) / len(text) < 0.01
