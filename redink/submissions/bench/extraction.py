"""Extraction time per format: our extractor against the bare library call on the same documents."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from redink.submissions.extract import extract_document
from redink.submissions.testing.documents import MAKERS, MakerUnavailable


def raw_docx(data: bytes) -> Any:
    import docx

    document = docx.Document(io.BytesIO(data))
    return [paragraph.text for paragraph in document.paragraphs]


def raw_odt(data: bytes) -> Any:
    from odf import teletype
    from odf.opendocument import load
    from odf.text import P

    document = load(io.BytesIO(data))
    return [teletype.extractText(p) for p in document.text.getElementsByType(P)]


def raw_pdf(data: bytes) -> Any:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def raw_rtf(data: bytes) -> Any:
    from striprtf.striprtf import rtf_to_text

    return rtf_to_text(data.decode("latin-1"))


def raw_html(data: bytes) -> Any:
    import nh3

    return nh3.clean(data.decode("utf-8"), tags=set())


RAW: dict[str, Callable[[bytes], Any]] = {
    "docx": raw_docx,
    "odt": raw_odt,
    "pdf": raw_pdf,
    "rtf": raw_rtf,
    "html": raw_html,
}


def _time(call: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    call(*args, **kwargs)
    return time.perf_counter() - started


def measure_extraction(*, documents: list[tuple[str, list[str]]], rounds: int) -> dict[str, dict[str, Any]]:
    """Median seconds per document, ours and the raw call's, interleaved so that noise hits both alike.
    A format that cannot be made here (PDF without reportlab) is left out, with the reason."""
    figures: dict[str, dict[str, Any]] = {}
    for fmt in sorted(MAKERS):
        try:
            files = [MAKERS[fmt](title, paragraphs) for title, paragraphs in documents]
        except MakerUnavailable as missing:
            figures[fmt] = {"not_measured": str(missing)}
            continue
        ours: list[float] = []
        raw: list[float] = []
        for _ in range(rounds):
            for data in files:
                ours.append(_time(extract_document, data=data, filename=f"essay.{fmt}"))
                if fmt in RAW:
                    raw.append(_time(RAW[fmt], data))
        row: dict[str, Any] = {
            "ours_ms": statistics.median(ours) * 1000,
            "bytes": statistics.median(len(f) for f in files),
        }
        if raw:
            row["raw_ms"] = statistics.median(raw) * 1000
            row["ratio"] = row["ours_ms"] / row["raw_ms"]
        figures[fmt] = row
    return figures
