"""Fuzzing the extractors with mutated real documents: whatever the bytes, extraction returns text or
raises ExtractionError with a known code; nothing else escapes, nothing hangs.

The capped profile runs in CI; `HYPOTHESIS_PROFILE=thorough` runs 2,000 cases per test by hand.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redink.submissions.extract import Extracted, ExtractionError, Limits, extract_document
from redink.submissions.extract.sniff import sniff
from redink.submissions.testing.documents import MAKERS

CODES = {
    "too_big", "empty", "unsupported", "wrong_type", "legacy_word", "corrupt", "encrypted", "scanned",
    "zip_bomb", "too_many_pages", "binary", "no_text",
}  # fmt: skip
LIMITS = Limits(max_bytes=2 * 1024 * 1024, zip_max_members=500, zip_max_uncompressed=20 * 1024 * 1024, pdf_max_pages=20)
PARAGRAPHS = [
    "The first paragraph of the essay, with an “accent” or two: café, naïve, déjà vu.",
    "The second paragraph & its <angle brackets> and {braces} and back\\slashes.",
    "The third paragraph closes the argument.",
]
FORMATS = sorted(MAKERS)


@cache
def document(fmt: str) -> bytes:
    return MAKERS[fmt]("A title", PARAGRAPHS)


def check(data: bytes, filename: str) -> None:
    try:
        result = extract_document(data=data, filename=filename, limits=LIMITS)
    except ExtractionError as problem:
        assert problem.code in CODES, problem.code
        assert problem.message
    else:
        assert isinstance(result, Extracted)
        assert all(isinstance(p, str) and p.strip() == p and p for p in result.paragraphs)


mutation = st.tuples(st.floats(min_value=0, max_value=1, exclude_max=True), st.binary(min_size=1, max_size=8))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    fmt=st.sampled_from(FORMATS),
    mutations=st.lists(mutation, min_size=1, max_size=12),
    cut=st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
)
def test_mutated_bytes(fmt, mutations, cut):
    data = bytearray(document(fmt))
    for where, replacement in mutations:
        at = int(where * len(data))
        data[at : at + len(replacement)] = replacement
    if cut is not None:
        data = data[: int(cut * len(data))]
    check(bytes(data), f"essay.{fmt}")


def _rezip(base: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == member else source.read(item))
    return out.getvalue()


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    target=st.sampled_from([("docx", "word/document.xml"), ("docx", "word/styles.xml"), ("odt", "content.xml")]),
    mutations=st.lists(mutation, min_size=1, max_size=8),
)
def test_mutated_xml_inside_a_valid_zip(target, mutations):
    """Byte flips in a zip mostly break its checksums; this reaches the XML parsers behind them."""
    fmt, member = target
    with zipfile.ZipFile(io.BytesIO(document(fmt))) as archive:
        xml = bytearray(archive.read(member))
    for where, replacement in mutations:
        at = int(where * len(xml))
        xml[at : at + len(replacement)] = replacement
    check(_rezip(document(fmt), member, bytes(xml)), f"essay.{fmt}")


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.binary(max_size=4096), fmt=st.sampled_from(FORMATS))
def test_arbitrary_bytes_under_every_name(data, fmt):
    check(data, f"essay.{fmt}")


@given(data=st.binary(max_size=2048))
def test_sniff_never_fails(data):
    kinds = {"docx", "odt", "zip", "zip-broken", "pdf", "rtf", "ole", "html", "text", "png", "jpeg", "gif", "binary"}
    assert sniff(data) in kinds
