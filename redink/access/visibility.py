"""Who may read what: the one place that turns an essay into what a viewer may see.

Every channel that shows essay text — pages, meta tags, JSON-LD, search and related
snippets, feeds, e-mails — calls `essay_text_for`. There is no second path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from redink.previews import Preview

from .selectors import user_has_membership

if TYPE_CHECKING:
    from redink.catalogue.models import Essay


@dataclass(frozen=True)
class VisibleText:
    kind: Literal["full", "preview"]
    style: Literal["full", "lead", "extracts"]
    blocks: tuple[str, ...]
    words_shown: int
    total_words: int
    clipped: bool = False

    @property
    def is_complete(self) -> bool:
        return self.kind == "full"

    @property
    def text(self) -> str:
        return " ".join(self.blocks)

    @property
    def share_percent(self) -> int:
        if not self.total_words:
            return 100
        return max(1, round(100 * self.words_shown / self.total_words))


def reads_everything(viewer: Any) -> bool:
    """Members with an active entitlement, verified teachers and staff read every essay."""
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if viewer.is_staff or viewer.is_verified_teacher:
        return True
    return user_has_membership(user=viewer)


def can_read_full(*, essay: Essay, viewer: Any) -> bool:
    """Whoever reads everything, and the essay's own author."""
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_active
    if signed_in and essay.author_id is not None and essay.author_id == viewer.pk:
        return True
    return reads_everything(viewer)


def essay_text_for(*, essay: Essay, viewer: Any) -> VisibleText:
    if can_read_full(essay=essay, viewer=viewer):
        paragraphs = tuple(essay.paragraphs)
        return VisibleText(
            kind="full", style="full", blocks=paragraphs, words_shown=essay.word_count, total_words=essay.word_count
        )
    style = essay.effective_preview_style
    stored = essay.preview_extracts if style == "extracts" else essay.preview_lead
    preview = Preview.from_json(stored) if stored else Preview(style=style)
    return VisibleText(
        kind="preview",
        style="extracts" if preview.style == "extracts" else "lead",
        blocks=tuple(preview.blocks),
        words_shown=preview.words,
        total_words=essay.word_count,
        clipped=preview.clipped,
    )
