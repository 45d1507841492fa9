"""A file built to be slow cannot hold a worker: extraction runs in a child process killed at
REDINK_EXTRACT_TIMEOUT_SECONDS, and the upload is kept for a moderator as one that could not be
processed in time. Markup nested absurdly deep is refused before any parser reads it.

Each slow file here takes seconds to extract in the process itself (measured when written:
HTML 4.7 s, .docx 9.9 s, .odt 12.3 s, PDF 5.0 s, RTF 4 s on the CI machine); under a one-second
limit each upload must end within a few seconds."""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from redink.submissions.extract import ExtractionError, extract_document
from redink.submissions.models import ImportRecord, Submission
from redink.submissions.services import processing  # noqa: F401 - loaded, as in a worker that has run a task
from redink.submissions.testing import documents

from .helpers import upload_file
from .test_import import essay_file, own_database, run_import

pytestmark = pytest.mark.django_db

SLOW = {
    "html": lambda: documents.make_slow_html(100_000),
    "docx": lambda: documents.make_slow_docx(20_000),
    "odt": lambda: documents.make_slow_odt(20_000),
    "pdf": lambda: documents.make_slow_pdf(50_000),
    "rtf": lambda: documents.make_slow_rtf(800_000),
}
DEEP = {
    "html": lambda: documents.make_deep_html(200_000),  # the security review's 2.2 MB file
    "docx": lambda: documents.make_deep_docx(10_000),
    "odt": lambda: documents.make_deep_odt(10_000),
}


@pytest.mark.parametrize("fmt", sorted(SLOW))
def test_a_file_built_to_be_slow_is_killed_at_the_time_limit_and_kept(
    fmt, settings, client, contributor, moderator, section
):
    settings.REDINK_EXTRACT_TIMEOUT_SECONDS = 1
    data = SLOW[fmt]()
    started = time.monotonic()
    submission = upload_file(contributor=contributor, section=section, filename=f"essay.{fmt}", data=data)
    took = time.monotonic() - started
    assert took < 4, f"the upload held its worker for {took:.1f} s"
    assert submission.status == Submission.Status.FAILED
    assert submission.failure_code == "timeout"
    assert "could not be processed in time" in submission.failure_message
    client.force_login(moderator)
    download = client.get(reverse("submissions:download", args=[submission.pk]))
    assert b"".join(download.streaming_content) == data, "kept for the moderator"


@pytest.mark.parametrize("fmt", sorted(DEEP))
def test_deeply_nested_markup_is_refused_before_parsing(fmt, settings, contributor, section):
    settings.REDINK_EXTRACT_TIMEOUT_SECONDS = 30
    started = time.monotonic()
    submission = upload_file(contributor=contributor, section=section, filename=f"essay.{fmt}", data=DEEP[fmt]())
    assert time.monotonic() - started < 2
    assert submission.status == Submission.Status.FAILED
    assert submission.failure_code == "too_deep"
    assert "nests its parts more than 200 levels deep" in submission.failure_message


def _renamed(archive: bytes, old: str, new: str) -> bytes:
    """A copy of a .docx with one part under another name, and the package's lists saying so."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                content = content.replace(old.encode(), new.encode())
            target.writestr(f"word/{new}" if info.filename == f"word/{old}" else info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize("listed_as", ["/word/page-top.xml", "/WORD/Page-Top.XML"])
def test_a_deep_part_of_a_docx_is_refused_whatever_it_is_called(originals, listed_as):
    """The parts to check are found by their content type, as python-docx finds them (part names
    match whatever their case): a header that nests 10,000 deep is refused under another name too."""
    plain = documents.make_docx("My essay", originals[0].paragraphs)
    deep = b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' + b"<w:sdt>" * 10_000
    deep += b"</w:sdt>" * 10_000 + b"</w:hdr>"
    renamed = _renamed(documents.with_member(plain, "word/header1.xml", deep), "header1.xml", "page-top.xml")
    listing = zipfile.ZipFile(io.BytesIO(renamed)).read("[Content_Types].xml")
    assert b'PartName="/word/page-top.xml"' in listing
    listing = listing.replace(b'PartName="/word/page-top.xml"', f'PartName="{listed_as}"'.encode())
    renamed = documents.with_member(renamed, "[Content_Types].xml", listing)
    with pytest.raises(ExtractionError) as refused:
        extract_document(data=renamed, filename="essay.docx")
    assert refused.value.code == "too_deep"


def test_a_docx_part_word_keeps_for_itself_is_not_read_so_not_refused(originals):
    """Word's stylesWithEffects.xml is no part python-docx reads: however it nests, the essay is taken."""
    paragraphs = originals[0].paragraphs
    plain = documents.make_docx("My essay", paragraphs)
    deep = b'<?xml version="1.0"?><w:styles xmlns:w="urn:x">' + b"<w:a>" * 500 + b"</w:a>" * 500 + b"</w:styles>"
    extracted = extract_document(
        data=documents.with_member(plain, "word/stylesWithEffects.xml", deep), filename="e.docx"
    )
    assert extracted.paragraphs[1:] == tuple(paragraphs)


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_the_depth_limit_holds_exactly_whether_the_part_has_few_tags_or_many(fmt, settings, originals):
    """201 levels are refused and 200 taken, in a part holding only those tags (which the check
    answers by counting them) and in one where they sit among thousands of shallow ones."""
    settings.REDINK_EXTRACT_MAX_DEPTH = 200
    paragraphs = originals[0].paragraphs
    plain = (documents.make_docx if fmt == "docx" else documents.make_odt)("My essay", paragraphs)
    if fmt == "docx":
        part, root = "word/header1.xml", b"w:hdr"
        declared = b' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    else:
        part, root = "meta.xml", b"office:document-meta"
        declared = b' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'

    def nested(levels: int, shallow: int) -> bytes:
        inner = levels - 1  # the root is the first level
        opened = b"<" + root + declared + b">"
        return opened + b"<a/>" * shallow + b"<b>" * inner + b"</b>" * inner + b"</" + root + b">"

    for shallow in (0, 5_000):
        taken = extract_document(data=documents.with_member(plain, part, nested(200, shallow)), filename=f"e.{fmt}")
        assert taken.paragraphs[-1] == paragraphs[-1]
        with pytest.raises(ExtractionError) as refused:
            extract_document(data=documents.with_member(plain, part, nested(201, shallow)), filename=f"e.{fmt}")
        assert refused.value.code == "too_deep"


def test_ordinary_nesting_is_not_refused(contributor, section, originals):
    paragraphs = originals[0].paragraphs
    nested = "".join(f"<div><section><article><p><b><i>{p}</i></b></p></article></section></div>" for p in paragraphs)
    page = f"<html><body><ul><li>{'<ul><li>' * 20}deep list{'</li></ul>' * 20}</li></ul>{nested}<br><br></body></html>"
    submission = upload_file(contributor=contributor, section=section, filename="essay.html", data=page.encode())
    assert submission.status == Submission.Status.IN_REVIEW, submission.failure_message


def test_an_import_records_the_slow_file_and_imports_the_rest(tmp_path, originals, settings):
    settings.REDINK_EXTRACT_TIMEOUT_SECONDS = 1
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "good.txt").write_text(essay_file("A good essay", originals[0].paragraphs))
    (folder / "slow.docx").write_bytes(SLOW["docx"]())
    (folder / "also good.txt").write_text(essay_file("Another good essay", originals[1].paragraphs))
    report = run_import(str(folder), "--level", "GCSE", "--subject", "History", "--section", "Cold War")
    assert "imported 2" in report and "failed 1" in report
    slow = ImportRecord.objects.get(path__endswith="slow.docx")
    assert slow.outcome == ImportRecord.Outcome.FAILED and "could not be processed in time" in slow.message
    assert Submission.objects.get(original_filename="slow.docx").file, "kept for the moderators"


def test_an_import_with_worker_processes_kills_the_slow_file_only(tmp_path, originals):
    """In a process of its own, so that the import forks its worker pool."""
    folder = tmp_path / "library"
    folder.mkdir()
    for n in range(6):
        (folder / f"{n}.txt").write_text(essay_file(f"Essay {n}", originals[n].paragraphs))
    (folder / "3-slow.odt").write_bytes(SLOW["odt"]())
    _, env, manage = own_database(tmp_path)
    env = {**env, "REDINK_EXTRACT_TIMEOUT_SECONDS": "2"}
    started = time.monotonic()
    done = subprocess.run(
        [*manage, "import_essays", str(folder), "--level", "GCSE", "--subject", "History", "--section", "Cold War",
         "--quiet", "--workers", "2"],
        env=env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert "imported 6" in done.stdout and "failed 1" in done.stdout, done.stdout
    assert next(line for line in done.stdout.splitlines() if "3-slow.odt" in line).startswith("failed")
    assert time.monotonic() - started < 60
    assert Path(folder / "3-slow.odt").exists()
