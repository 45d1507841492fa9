"""What a contributor is told about a file we cannot take: one message per kind of problem."""

from __future__ import annotations

from .base import ExtractionError, human_size

FORMAT_NAMES = {
    "docx": "Word (.docx)",
    "odt": "OpenDocument (.odt)",
    "pdf": "PDF",
    "rtf": "Rich Text (.rtf)",
    "txt": "plain text",
    "md": "Markdown",
    "html": "web page (HTML)",
    "text": "plain text",
    "zip": "zip archive",
    "ole": "old-style Word (.doc) or password-protected Office",
    "png": "PNG picture",
    "jpeg": "JPEG picture",
    "gif": "GIF picture",
    "binary": "binary (not a document)",
}
ACCEPTED = ".docx, .odt, .pdf, .rtf, .txt, .md or .html"


def too_big(*, size: int, limit: int) -> ExtractionError:
    return ExtractionError("too_big", too_big_words(size=human_size(size), limit=human_size(limit)))


def too_big_words(*, size: str, limit: str) -> str:
    """The words of `too_big`, sizes already written out (the upload page's script fills in `size`)."""
    return (
        f"The file is {size}, over the {limit} limit. An essay's text fits in far less: "
        "remove pictures, or save it as .docx or PDF without embedded media, or paste the text instead."
    )


def empty() -> ExtractionError:
    return ExtractionError("empty", "The file is empty (0 bytes). Check you chose the right file and upload it again.")


def unsupported(*, extension: str) -> ExtractionError:
    what = f"“.{extension}” files" if extension else "files without an extension"
    return ExtractionError("unsupported", f"We cannot read {what}. Upload {ACCEPTED}, or paste your text.")


def wrong_type(*, filename: str, claimed: str, actual: str) -> ExtractionError:
    return ExtractionError(
        "wrong_type",
        f"The file is called “{filename}”, which says {FORMAT_NAMES.get(claimed, claimed)}, but its contents are "
        f"a {FORMAT_NAMES.get(actual, actual)} file. Save it again from the program that made it in one of "
        f"{ACCEPTED}, keeping the right extension.",
    )


def legacy_word() -> ExtractionError:
    return ExtractionError(
        "legacy_word",
        "This is an old-style Word document (.doc) or a password-protected Office file, which we cannot read. "
        "Open it in your word processor, remove any password and save it as .docx, then upload that.",
    )


def corrupt(*, format: str) -> ExtractionError:
    return ExtractionError(
        "corrupt",
        f"This {FORMAT_NAMES.get(format, format)} file is damaged or incomplete, so we could not read it. "
        "Open it in the program that made it, save a new copy and upload that.",
    )


def encrypted() -> ExtractionError:
    return ExtractionError(
        "encrypted",
        "This PDF is protected by a password, so its text cannot be read. "
        "Save or export a copy without a password and upload that.",
    )


def scanned() -> ExtractionError:
    return ExtractionError(
        "scanned",
        "This PDF has no text in it, only pictures of pages (a scan or a photo). "
        "Upload the document it was made from, or a PDF exported from a word processor.",
    )


def zip_bomb(*, detail: str) -> ExtractionError:
    return ExtractionError(
        "zip_bomb",
        f"This document unpacks to far more than any essay needs ({detail}), so we did not open it. "
        "Save it again from your word processor and upload the new copy.",
    )


def too_many_pages(*, pages: int, limit: int) -> ExtractionError:
    return ExtractionError("too_many_pages", f"This PDF has {pages:,} pages; we read essays of up to {limit:,} pages.")


def binary() -> ExtractionError:
    return ExtractionError(
        "binary",
        "This file does not contain readable text: it looks like program or binary data, not a document. "
        f"Upload {ACCEPTED}, or paste your text.",
    )


def no_text(*, format: str) -> ExtractionError:
    return ExtractionError("no_text", f"We found no text in this {FORMAT_NAMES.get(format, format)} file.")


def too_short(*, words: int, minimum: int) -> ExtractionError:
    return ExtractionError(
        "too_short", f"The text has {words:,} word{'s' if words != 1 else ''}; essays need at least {minimum:,}."
    )


def too_long(*, words: int, maximum: int) -> ExtractionError:
    return ExtractionError(
        "too_long",
        f"The text has {words:,} words, over the limit of {maximum:,}. Upload a long piece as separate essays.",
    )


def too_deep(*, format: str, limit: int) -> ExtractionError:
    return ExtractionError(
        "too_deep",
        f"This {FORMAT_NAMES.get(format, format)} file nests its parts more than {limit:,} levels deep, far beyond any "
        "essay, so we did not open it. Save it again from your word processor (or copy the text into a new "
        "document) and upload that, or paste your text.",
    )


def timed_out(*, seconds: int) -> ExtractionError:
    return ExtractionError(
        "timeout",
        f"This file could not be processed in time: reading its text took longer than {seconds} seconds, far longer "
        "than any essay needs. A moderator will look at it. You can also save it again from your word processor, "
        "or paste your text, and upload that.",
    )


def crashed(*, format: str) -> ExtractionError:
    return ExtractionError(
        "crashed",
        f"This {FORMAT_NAMES.get(format, format)} file could not be processed: reading it stopped the program that "
        "reads it. A moderator will look at it. Save it again from your word processor, or paste your text, and "
        "upload that.",
    )
