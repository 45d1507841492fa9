"""Real documents of every format we take, made in memory: for tests, the fuzz test and the benchmark.

Each maker takes a title and paragraphs and returns the file's bytes, with a running header and a
footer (page number) where the format has them, so that tests can check they are left out.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence

HEADER = "Candidate 4521 coursework header"
FOOTER = "Confidential footer line"


class MakerUnavailable(RuntimeError):
    """A format whose maker needs a development library that is not installed."""


def _needs_reportlab() -> None:
    # PDFs are made with reportlab, which only tests and benchmarks need: a production install
    # (requirements.txt) lacks it, and should hear why rather than meet an ImportError.
    try:
        import reportlab  # noqa: F401
    except ImportError:
        raise MakerUnavailable(
            "making PDFs needs reportlab, a development dependency (pip install -r requirements-dev.txt)"
        ) from None


def make_docx(title: str, paragraphs: Sequence[str], *, header: bool = True) -> bytes:
    import docx

    document = docx.Document()
    if header:
        section = document.sections[0]
        section.header.paragraphs[0].text = HEADER
        section.footer.paragraphs[0].text = FOOTER
    if title:
        document.add_heading(title, level=0)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(title: str, paragraphs: Sequence[str], *, header: bool = True) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer, Header, MasterPage, PageLayout, Style
    from odf.text import H, P

    document = OpenDocumentText()
    if header:
        layout = PageLayout(name="Layout")
        document.automaticstyles.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        running = Header()
        running.addElement(P(text=HEADER))
        master.addElement(running)
        footer = Footer()
        footer.addElement(P(text=FOOTER))
        master.addElement(footer)
        document.masterstyles.addElement(master)
    if title:
        document.styles.addElement(Style(name="Title", family="paragraph"))
        document.text.addElement(H(outlinelevel=1, text=title))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(title: str, paragraphs: Sequence[str], *, header: bool = True, password: str = "") -> bytes:
    _needs_reportlab()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    def running_lines(canvas, doc) -> None:
        if header:
            canvas.setFont("Helvetica", 9)
            canvas.drawString(72, A4[1] - 40, HEADER)
            canvas.drawCentredString(A4[0] / 2, 30, str(doc.page))

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    encrypt = None
    if password:
        from reportlab.lib import pdfencrypt

        encrypt = pdfencrypt.StandardEncryption(password, canPrint=0)
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, encrypt=encrypt)
    story = [Paragraph(_escape(title), styles["Title"])] if title else []
    for paragraph in paragraphs:
        story += [Paragraph(_escape(paragraph), styles["Normal"]), Spacer(1, 10)]
    doc.build(story, onFirstPage=running_lines, onLaterPages=running_lines)
    return out.getvalue()


def make_pdf_large_title(
    title: str, paragraphs: Sequence[str], *, title_size: float = 24, centred: bool = True, header: bool = True
) -> bytes:
    """A PDF whose title is set in large type, so that a long title wraps over two or more lines,
    with body paragraphs in ordinary type below it and no extra space between them (only the
    first-line indent and the space a word processor leaves above a heading)."""
    _needs_reportlab()
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    def running_lines(canvas, doc) -> None:
        if header:
            canvas.setFont("Helvetica", 9)
            canvas.drawString(72, A4[1] - 40, HEADER)
            canvas.drawCentredString(A4[0] / 2, 30, str(doc.page))

    heading = ParagraphStyle(
        "large-title",
        fontName="Helvetica-Bold",
        fontSize=title_size,
        leading=title_size * 1.2,
        alignment=TA_CENTER if centred else TA_LEFT,
        spaceAfter=title_size * 0.75,
    )
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14, firstLineIndent=18)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title)
    story = [Paragraph(_escape(title), heading)] + [Paragraph(_escape(p), body) for p in paragraphs]
    doc.build(story, onFirstPage=running_lines, onLaterPages=running_lines)
    return out.getvalue()


def make_scanned_pdf() -> bytes:
    """A PDF whose pages are only pictures: what a scanner makes."""
    _needs_reportlab()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = make_png()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    for _ in range(2):
        page.drawImage(ImageReader(io.BytesIO(png)), 50, 50, width=A4[0] - 100, height=A4[1] - 100)
        page.showPage()
    page.save()
    return out.getvalue()


def make_png(size: int = 64) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    for y in range(4, size, 8):
        draw.line((4, y, size - 4, y), fill=0, width=2)  # lines of "handwriting"
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_rtf(title: str, paragraphs: Sequence[str], *, header: bool = True) -> bytes:
    parts = [r"{\rtf1\ansi\deff0{\fonttbl{\f0 Times New Roman;}}"]
    if header:
        parts.append(r"{\header\pard " + _rtf_escape(HEADER) + r"\par}")
        parts.append(r"{\footer\pard " + _rtf_escape(FOOTER) + r" {\field{\*\fldinst PAGE}{\fldrslt 1}}\par}")
    if title:
        parts.append(r"\pard\b " + _rtf_escape(title) + r"\b0\par")
    for paragraph in paragraphs:
        parts.append(r"\pard " + _rtf_escape(paragraph) + r"\par")
    parts.append("}")
    return "\n".join(parts).encode("ascii")


def make_html(title: str, paragraphs: Sequence[str], *, header: bool = True) -> bytes:
    body = "".join(f"<p>{_escape(p)}</p>\n" for p in paragraphs)
    chrome = f"<header><nav><a href='/'>Home</a></nav>{HEADER}</header>" if header else ""
    footer = f"<footer>{FOOTER}</footer>" if header else ""
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{_escape(title)}</title>"
        f"<style>p {{ color: red }}</style><script>alert('x')</script></head>"
        f"<body>{chrome}<main><h1>{_escape(title)}</h1>\n{body}</main>{footer}</body></html>"
    )
    return page.encode("utf-8")


def make_markdown(title: str, paragraphs: Sequence[str], *, header: bool = True) -> bytes:
    lines = [f"# {title}", ""] if title else []
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    return "\n".join(lines).encode("utf-8")


def make_txt(title: str, paragraphs: Sequence[str], *, header: bool = True) -> bytes:
    return ((title + "\n\n" if title else "") + "\n\n".join(paragraphs) + "\n").encode("utf-8")


MAKERS: dict[str, Callable[..., bytes]] = {
    "docx": make_docx,
    "odt": make_odt,
    "pdf": make_pdf,
    "rtf": make_rtf,
    "html": make_html,
    "md": make_markdown,
    "txt": make_txt,
}


def make_zip_bomb(*, base: bytes, member_bytes: int) -> bytes:
    """A valid document with one extra member of `member_bytes` zeros (a few KB once compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        chunk = b"\0" * (1024 * 1024)
        with bomb.open("word/media/padding.bin", "w", force_zip64=True) as member:
            written = 0
            while written < member_bytes:
                member.write(chunk[: member_bytes - written])
                written += len(chunk)
    return out.getvalue()


def make_many_members(*, base: bytes, members: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        for n in range(members):
            archive.writestr(f"padding/part{n}.xml", "<a/>")
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}"):
        out.append(ch if ord(ch) < 128 else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
    return "".join(out)


# --- Files built to be slow or deep: what a hostile uploader sends ----------------------------


def with_member(archive: bytes, name: str, content: bytes) -> bytes:
    """A copy of a zip (a .docx or .odt) with one member's content replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info))
    return out.getvalue()


_DOCX_BODY = b'<w:body xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_document(body: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
        + _W
        + b"><w:body>"
        + body
        + b"</w:body></w:document>"
    )


def make_deep_docx(depth: int) -> bytes:
    """A .docx whose paragraph sits inside `depth` nested tables' cells' worth of elements."""
    nested = (
        b"<w:sdt><w:sdtContent>" * depth + b"<w:p><w:r><w:t>deep</w:t></w:r></w:p>" + b"</w:sdtContent></w:sdt>" * depth
    )
    return with_member(make_docx("", ["x"], header=False), "word/document.xml", _docx_document(nested))


def make_slow_docx(paragraphs: int) -> bytes:
    """A .docx of very many short runs: small as a file, slow for python-docx to walk."""
    paragraph = b"<w:p>" + b"<w:r><w:t>a</w:t></w:r>" * 20 + b"</w:p>"
    return with_member(make_docx("", ["x"], header=False), "word/document.xml", _docx_document(paragraph * paragraphs))


_ODT_NS = (
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)


def _odt_content(body: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        + _ODT_NS
        + b"><office:body><office:text>"
        + body
        + b"</office:text></office:body></office:document-content>"
    )


def make_deep_odt(depth: int) -> bytes:
    nested = b"<text:section>" * depth + b"<text:p>deep</text:p>" + b"</text:section>" * depth
    return with_member(make_odt("", ["x"], header=False), "content.xml", _odt_content(nested))


def make_slow_odt(paragraphs: int) -> bytes:
    paragraph = b"<text:p>" + b"<text:span>a</text:span>" * 20 + b"</text:p>"
    return with_member(make_odt("", ["x"], header=False), "content.xml", _odt_content(paragraph * paragraphs))


def make_deep_html(depth: int) -> bytes:
    return b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"


def make_slow_html(elements: int) -> bytes:
    return b"<html><body>" + b"<p><b>a</b> <i>b</i></p>" * elements + b"</body></html>"


def make_slow_rtf(words: int) -> bytes:
    return b"{\\rtf1\\ansi " + b"{\\b a}\\par " * words + b"}"


def make_slow_pdf(operations: int) -> bytes:
    """A one-page PDF whose content stream shows a character `operations` times, compressed."""
    import zlib

    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj 1 0 Td " * operations + b"ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
