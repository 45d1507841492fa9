"""Text extraction: one module per file format behind one interface.

    extract_document(data=..., filename=...) -> Extracted      (or raises ExtractionError)

Every extractor is a function `extract(data, *, limits) -> Extracted` that raises only
`ExtractionError`, whose `code` names the problem and whose `message` is what the contributor
is told. The file's real type comes from its bytes (`sniff`), never from its name alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import PurePath

from django.conf import settings

from redink.core.parallel import TIMED_OUT, WorkFailed, run_isolated

from . import docx, html, markdown, messages, odt, pdf, rtf, text
from .base import Extracted, ExtractionError, Limits
from .sniff import sniff
from .zipguard import check_zip

logger = logging.getLogger(__name__)

Extractor = Callable[..., Extracted]
EXTRACTORS: dict[str, Extractor] = {
    "docx": docx.extract,
    "odt": odt.extract,
    "pdf": pdf.extract,
    "rtf": rtf.extract,
    "txt": text.extract,
    "md": markdown.extract,
    "html": html.extract,
}
# File name extensions we take, and the format each claims.
EXTENSIONS = {
    "docx": "docx",
    "odt": "odt",
    "pdf": "pdf",
    "rtf": "rtf",
    "txt": "txt",
    "text": "txt",
    "md": "md",
    "markdown": "md",
    "html": "html",
    "htm": "html",
}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in EXTENSIONS)
# What the bytes may be for each claimed format. Text formats take one another: a .txt holding
# a little markup is still text.
COMPATIBLE = {
    "docx": {"docx", "zip-broken"},
    "odt": {"odt", "zip-broken"},
    "pdf": {"pdf"},
    "rtf": {"rtf"},
    "txt": {"text", "html"},
    "md": {"text", "html"},
    "html": {"html", "text"},
}
ZIPPED = frozenset({"docx", "odt"})


def claimed_format(filename: str) -> tuple[str, str]:
    """(extension, format the extension claims or '')."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return extension, EXTENSIONS.get(extension, "")


def extract_document(*, data: bytes, filename: str, limits: Limits | None = None) -> Extracted:
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise messages.too_big(size=len(data), limit=limits.max_bytes)
    if not data:
        raise messages.empty()
    extension, claimed = claimed_format(filename)
    actual = sniff(data)
    if not claimed:
        if actual == "binary":
            raise messages.binary()
        raise messages.unsupported(extension=extension)
    if actual not in COMPATIBLE[claimed]:
        if actual == "ole" and claimed in ZIPPED:
            raise messages.legacy_word()
        if actual == "binary":
            raise messages.binary()
        raise messages.wrong_type(filename=PurePath(filename).name, claimed=claimed, actual=actual)
    if actual == "zip-broken":
        raise messages.corrupt(format=claimed)
    if claimed in ZIPPED:
        check_zip(data, format=claimed, limits=limits)
    try:
        extracted = EXTRACTORS[claimed](data, limits=limits)
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise messages.corrupt(format=claimed) from exc
    except Exception as exc:
        # A library failing in a way its documentation does not list: still the contributor's
        # file that is broken, never a crash. Logged so that the case can be classified.
        logger.warning("Unexpected %s while extracting a %s file", type(exc).__name__, claimed, exc_info=True)
        raise messages.corrupt(format=claimed) from exc
    if not extracted.paragraphs:
        raise messages.no_text(format=claimed)
    return extracted


def extract_isolated(*, data: bytes, filename: str, limits: Limits | None = None) -> Extracted:
    """`extract_document` in a child process, killed after REDINK_EXTRACT_TIMEOUT_SECONDS: a
    file built to be slow (or to crash a parser) costs its own upload, never the worker's time
    for everyone else's (`redink.core.parallel.run_isolated`)."""
    limits = limits or Limits.from_settings()
    seconds = settings.REDINK_EXTRACT_TIMEOUT_SECONDS
    try:
        return run_isolated(_extract_job, (data, filename, limits), timeout=seconds)
    except WorkFailed as failure:
        logger.warning("Extracting %s %s", filename, failure)
        if failure.reason == TIMED_OUT:
            raise messages.timed_out(seconds=seconds) from failure
        raise messages.crashed(format=claimed_format(filename)[1] or "document") from failure


def _extract_job(job: tuple[bytes, str, Limits]) -> Extracted:
    data, filename, limits = job
    return extract_document(data=data, filename=filename, limits=limits)


def check_length(*, words: int, minimum: int, maximum: int) -> None:
    if words < minimum:
        raise messages.too_short(words=words, minimum=minimum)
    if words > maximum:
        raise messages.too_long(words=words, maximum=maximum)


__all__ = [
    "ACCEPT_ATTRIBUTE",
    "EXTRACTORS",
    "Extracted",
    "ExtractionError",
    "Limits",
    "check_length",
    "claimed_format",
    "extract_document",
    "extract_isolated",
    "messages",
]
