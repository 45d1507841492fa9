"""Lead and extract previews, the preview budget and sentence-safe cutting (pure functions)."""

from .budget import EXTRACTS, LEAD, STYLES, Preview, build_preview, build_previews, preview_budget
from .sentences import normalise_paragraph, split_sentences, word_count

__all__ = [
    "EXTRACTS",
    "LEAD",
    "STYLES",
    "Preview",
    "build_preview",
    "build_previews",
    "normalise_paragraph",
    "preview_budget",
    "split_sentences",
    "word_count",
]
