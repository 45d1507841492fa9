"""Extraction of every format from real files made in the test, and every kind of bad file."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from dataclasses import replace

import pytest

from redink.submissions.extract import Extracted, ExtractionError, Limits, extract_document
from redink.submissions.extract.pdflines import paragraphs_from_pages
from redink.submissions.testing.documents import (
    FOOTER,
    HEADER,
    MAKERS,
    make_docx,
    make_many_members,
    make_odt,
    make_pdf,
    make_pdf_large_title,
    make_scanned_pdf,
    make_zip_bomb,
)

TITLE = "How far did the Cold War change after 1953?"
LIMITS = Limits(max_bytes=10 * 2**20, zip_max_members=1000, zip_max_uncompressed=100 * 2**20, pdf_max_pages=300)


def extract(data: bytes, filename: str, limits: Limits = LIMITS) -> Extracted:
    return extract_document(data=data, filename=filename, limits=limits)


@pytest.fixture(scope="module")
def paragraphs(originals) -> list[str]:  # type: ignore[no-untyped-def]
    """Real-looking paragraphs, enough for several PDF pages (so running headers repeat)."""
    return originals[0].paragraphs + originals[1].paragraphs[:3]


@pytest.mark.parametrize("fmt", sorted(MAKERS))
def test_every_format_gives_its_paragraphs_and_title_without_headers_or_footers(fmt, paragraphs):
    extracted = extract(MAKERS[fmt](TITLE, paragraphs), f"essay.{fmt}")
    assert extracted.title == TITLE
    assert list(extracted.paragraphs) == [TITLE, *paragraphs]
    assert HEADER not in extracted.text and FOOTER not in extracted.text


@pytest.mark.parametrize("fmt", ["docx", "odt", "html", "md", "txt"])
def test_invisible_characters_are_dropped_and_control_characters_are_spaces(fmt, paragraphs):
    # A zero-width space and a soft hyphen copied in from the web would split a word for search
    # and the duplicate check; a bell or form feed pasted into a text file would show as a box.
    odd = ["The Cold\u200b War was inter\u00adnational.", "Words\ufeff kept apart only by a\u2060 joiner."]
    if fmt in {"txt", "md"}:  # no XML format can hold these
        odd.append("A bell\x07between words and\x0ca form feed.")
    extracted = extract(MAKERS[fmt](TITLE, [*odd, *paragraphs]), f"essay.{fmt}")
    cleaned = ["The Cold War was international.", "Words kept apart only by a joiner."]
    if fmt in {"txt", "md"}:
        cleaned.append("A bell between words and a form feed.")
    assert list(extracted.paragraphs) == [TITLE, *cleaned, *paragraphs]


def test_an_odt_damaged_after_its_first_bytes_is_refused_as_damaged(paragraphs):
    # Its first member still names it an OpenDocument text, but its zip directory is gone.
    with pytest.raises(ExtractionError) as problem:
        extract(make_odt(TITLE, paragraphs)[:2000], "essay.odt")
    assert problem.value.code == "corrupt"
    assert "This OpenDocument (.odt) file is damaged or incomplete" in problem.value.message


def test_pdf_pages_numbers_and_running_headers_are_dropped_and_paragraphs_cross_pages(paragraphs):
    data = make_pdf(TITLE, paragraphs)
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) >= 3
    text = extract(data, "essay.pdf").text
    assert "\n\n2\n\n" not in text and HEADER not in text
    assert all(paragraph in text for paragraph in paragraphs)  # a paragraph split by a page break is whole


def test_pdf_paragraph_rebuilding_from_lines():
    page_one = "Running head\nA first line of a paragraph that is long enough to fill the page width\nand ends here.\n1"
    page_two = "Running head\nThe second paragraph starts on a new page and it is also\nquite long, but short.\n2"
    assert paragraphs_from_pages([page_one, page_two]) == [
        "A first line of a paragraph that is long enough to fill the page width and ends here.",
        "The second paragraph starts on a new page and it is also quite long, but short.",
    ]


def test_docx_tables_and_headings_are_kept_in_order():
    import docx

    document = docx.Document()
    document.add_paragraph("Introduction to the question.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Cause"
    table.cell(0, 1).text = "Effect"
    document.add_heading("Conclusion", level=2)
    document.add_paragraph("Final words.")
    out = io.BytesIO()
    document.save(out)
    expected = ("Introduction to the question.", "Cause", "Effect", "Conclusion", "Final words.")
    assert extract(out.getvalue(), "e.docx").paragraphs == expected


def test_odt_lists_spaces_and_footnotes():
    from odf.opendocument import OpenDocumentText
    from odf.text import List, ListItem, Note, NoteBody, NoteCitation, P, S, Span

    document = OpenDocumentText()
    first = P(text="Two")
    first.addElement(S(c=2))
    first.addText("spaces and a note")
    note = Note(noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="Footnote text that is not the essay."))
    note.addElement(body)
    first.addElement(note)
    first.addElement(Span(text=" here."))
    document.text.addElement(first)
    items = List()
    for text in ("First point.", "Second point."):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    document.text.addElement(items)
    out = io.BytesIO()
    document.save(out)
    expected = ("Two spaces and a note here.", "First point.", "Second point.")
    assert extract(out.getvalue(), "e.odt").paragraphs == expected


def test_markdown_markup_is_removed():
    source = (
        "# The title\n\nSome **bold** and _italic_ text with a [link](https://example.org) and `code`.\n\n"
        "- a list item\n- another item\n\n> A quotation that runs\n> over two lines.\n\n---\n\nsnake_case_name stays.\n"
    )
    extracted = extract(source.encode(), "e.md")
    assert extracted.title == "The title"
    assert extracted.paragraphs == (
        "The title",
        "Some bold and italic text with a link and code.",
        "a list item another item",
        "A quotation that runs over two lines.",
        "snake_case_name stays.",
    )


def test_text_with_one_paragraph_per_line_and_windows_encoding():
    line = "is a long line of text that an editor saved without blank lines. " * 3
    lines = [f"Paragraph {n} {line}" for n in range(3)]
    extracted = extract("\r\n".join(lines).encode("cp1252"), "e.txt")
    assert extracted.paragraphs == tuple(line.strip() for line in lines)
    windows = "Café \u2013 “quoted”"
    assert extract(f"{windows}\n\nSecond paragraph.".encode("cp1252"), "e.txt").paragraphs[0] == windows
    assert extract("Text in UTF-16 with a BOM.".encode("utf-16"), "e.txt").paragraphs == ("Text in UTF-16 with a BOM.",)


def test_html_drops_scripts_styles_navigation_and_repairs_broken_markup():
    page = b"<html><body><nav>Menu</nav><p>One <b>bold<p>Two<script>steal()</script><div>Three</div><footer>F</footer>"
    assert extract(page, "e.html").paragraphs == ("One bold", "Two", "Three")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("target", ["odt", "pdf", "rtf", "docx"])
def test_files_saved_by_libreoffice(tmp_path, paragraphs, target):
    source = tmp_path / "essay.docx"
    source.write_bytes(make_docx(TITLE, paragraphs))
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", target, "--outdir", str(out), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    converted = next(out.glob(f"*.{target}"))
    text = extract(converted.read_bytes(), converted.name).text
    assert all(" ".join(p.split()) in text for p in paragraphs[:3])


# --- Bad files: each its own message -------------------------------------------------------------------


def _docx(words: int) -> bytes:
    return make_docx("", [" ".join(["word"] * words)], header=False)


BAD_FILES = {
    "corrupt": (lambda: make_docx(TITLE, ["Some text."])[:2000], "essay.docx"),
    "corrupt-pdf": (lambda: make_pdf(TITLE, ["Some text."])[:900], "essay.pdf"),
    "encrypted": (lambda: make_pdf(TITLE, ["Secret text."], password="hunter2"), "essay.pdf"),
    "scanned": (make_scanned_pdf, "scan.pdf"),
    "wrong_type": (lambda: make_pdf(TITLE, ["A PDF in disguise."]), "essay.docx"),
    "legacy_word": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "essay.docx"),
    "binary": (lambda: bytes(range(256)) * 40, "essay.txt"),
    "unsupported": (lambda: b"Plain words in a file with a strange extension.", "essay.pages"),
    "empty": (lambda: b"", "essay.txt"),
}
MESSAGES = {
    "corrupt": "This Word (.docx) file is damaged or incomplete, so we could not read it. "
    "Open it in the program that made it, save a new copy and upload that.",
    "corrupt-pdf": "This PDF file is damaged or incomplete, so we could not read it. "
    "Open it in the program that made it, save a new copy and upload that.",
    "encrypted": "This PDF is protected by a password, so its text cannot be read. "
    "Save or export a copy without a password and upload that.",
    "scanned": "This PDF has no text in it, only pictures of pages (a scan or a photo). "
    "Upload the document it was made from, or a PDF exported from a word processor.",
    "wrong_type": "The file is called “essay.docx”, which says Word (.docx), but its contents are a PDF file. "
    "Save it again from the program that made it in one of .docx, .odt, .pdf, .rtf, .txt, .md or .html, "
    "keeping the right extension.",
    "legacy_word": "This is an old-style Word document (.doc) or a password-protected Office file, which we cannot "
    "read. Open it in your word processor, remove any password and save it as .docx, then upload that.",
    "binary": "This file does not contain readable text: it looks like program or binary data, not a document. "
    "Upload .docx, .odt, .pdf, .rtf, .txt, .md or .html, or paste your text.",
    "unsupported": "We cannot read “.pages” files. "
    "Upload .docx, .odt, .pdf, .rtf, .txt, .md or .html, or paste your text.",
    "empty": "The file is empty (0 bytes). Check you chose the right file and upload it again.",
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_each_bad_file_has_its_own_message(case):
    make, filename = BAD_FILES[case]
    with pytest.raises(ExtractionError) as problem:
        extract(make(), filename)
    assert problem.value.code == case.split("-")[0]
    assert problem.value.message == MESSAGES[case]


def test_messages_are_all_different():
    assert len(set(MESSAGES.values())) == len(MESSAGES)


def test_zip_bomb_by_size_and_by_member_count():
    base = make_docx(TITLE, ["A small essay."])
    small = replace(LIMITS, zip_max_members=200, zip_max_uncompressed=5 * 2**20)
    bomb = make_zip_bomb(base=base, member_bytes=50 * 1024 * 1024)
    assert len(bomb) < 200_000  # 50 MB of zeros squeezed into a small file
    with pytest.raises(ExtractionError) as by_size:
        extract(bomb, "essay.docx", small)
    assert by_size.value.code == "zip_bomb"
    assert "MB once unpacked, over the limit of 5.0 MB" in by_size.value.message
    with pytest.raises(ExtractionError) as by_count:
        extract(make_many_members(base=base, members=400), "essay.docx", small)
    assert by_count.value.code == "zip_bomb"
    assert "files inside, over the limit of 200" in by_count.value.message


def test_zip_bomb_in_an_odt_too():
    small = replace(LIMITS, zip_max_uncompressed=2**20)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_odt(TITLE, ["Text."])), "r") as source, zipfile.ZipFile(out, "w") as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        bomb.writestr(zipfile.ZipInfo("Pictures/huge.bmp"), b"\0" * (3 * 1024 * 1024), zipfile.ZIP_DEFLATED)
    with pytest.raises(ExtractionError) as problem:
        extract(out.getvalue(), "essay.odt", small)
    assert problem.value.code == "zip_bomb"


def test_over_the_size_limit():
    limits = replace(LIMITS, max_bytes=20_000)
    with pytest.raises(ExtractionError) as problem:
        extract(b"x " * 15_000, "essay.txt", limits)
    assert problem.value.code == "too_big"
    assert problem.value.message.startswith("The file is 29 KB, over the 20 KB limit.")


def test_pdf_with_only_an_owner_password_opens():
    """Many PDFs are 'encrypted' only against editing, with an empty password to read: those we read."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(make_pdf(TITLE, ["Readable by anyone."], header=False)))
    writer = PdfWriter(clone_from=reader)
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    assert "Readable by anyone." in extract(out.getvalue(), "essay.pdf").text


def test_pdf_paragraphs_marked_only_by_a_first_line_indent(paragraphs):
    """No space between paragraphs, only an indent (as many essays are typeset): still one paragraph each."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    out = io.BytesIO()
    style = ParagraphStyle("indented", fontSize=11, leading=14, firstLineIndent=24, spaceAfter=0, spaceBefore=0)
    SimpleDocTemplate(out).build([Paragraph(p, style) for p in paragraphs[:6]])
    assert list(extract(out.getvalue(), "indented.pdf").paragraphs) == paragraphs[:6]


LONG_TITLE = "How far did the Treaty of Versailles shape the politics and the economy of the Weimar Republic?"


@pytest.mark.parametrize("centred", [True, False], ids=["centred", "left"])
def test_pdf_title_wrapping_over_lines_in_large_type_is_one_paragraph(paragraphs, centred):
    from pypdf import PdfReader

    data = make_pdf_large_title(LONG_TITLE, paragraphs, centred=centred)
    first_page = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert LONG_TITLE not in " ".join(first_page.split("\n")[:2]), "the title does wrap in the PDF"
    assert list(extract(data, "essay.pdf").paragraphs) == [LONG_TITLE, *paragraphs]


def test_pdf_headings_in_larger_type_between_paragraphs_stand_alone(paragraphs):
    """A change of type size starts a paragraph, and a heading of one line stays one paragraph."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    heading = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=15, leading=18, spaceBefore=6)
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14, firstLineIndent=18)
    out = io.BytesIO()
    story = []
    for n, paragraph in enumerate(paragraphs[:4]):
        story += [Paragraph(f"Part {n + 1}: the argument continues", heading), Paragraph(paragraph, body)]
    SimpleDocTemplate(out).build(story)
    expected = [
        p for n, paragraph in enumerate(paragraphs[:4]) for p in (f"Part {n + 1}: the argument continues", paragraph)
    ]
    assert list(extract(out.getvalue(), "headings.pdf").paragraphs) == expected
