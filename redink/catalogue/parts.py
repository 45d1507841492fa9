"""The essay page, rendered once and kept in the cache for ordinary readers.

Around its header, an essay page is the same for every reader of one kind: the essay's text
(with teachers' highlights and margin comments for a full reader), its reviews, its rating,
the preview's offer, the related essays, the meta tags and JSON-LD. For every reader who is
not a teacher, a moderator or the essay's author, these are kept as rendered HTML under a key
of:

- the essay and its text version (a new text is a new key);
- the kind of reader: `essay_text_for`'s verdict (full text or preview) and whether the reader
  is signed in (the buttons offered differ). The one redaction function decides on every
  request which entry a reader gets, so full text kept for members is never the answer for
  anyone it would not have been rendered for;
- what the page shows that can change without a new text: the review and comment counts, the
  rating, the last save, the names of the essay's level, subject and section and of its author,
  and its related cards as stored, so that a review or a comment added, hidden or withdrawn, a
  renamed section or new related essays show at once.

What the key leaves out shows within PARTS_SECONDS: a teacher rewording a review or a comment,
the essay's reading count, the library's figures under a preview. The reader's own parts of
the page — the site header, messages, the Save button — are rendered on every request around
the kept ones: the kept page is split where the Save button goes (`SAVE_SLOT`). Teachers,
moderators and authors see their own controls and drafts, so theirs is rendered on every
request, through the same templates. A cache that is unreachable costs the rendering, never
the page.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from redink.access.visibility import VisibleText
from redink.related.selectors import related_for_page, stored_cards

from . import selectors
from .models import Essay
from .seo import essay_json_ld, meta_description

logger = logging.getLogger(__name__)

# How long a rendered page is kept: the longest a reworded review or comment takes to show.
PARTS_SECONDS = 60
# Part of every key: a change of the templates below starts from fresh entries.
PARTS_VERSION = 2
# Where the reader's own Save button goes in the kept page. Every user-written text on the page
# is escaped, so the comment cannot come from an essay, and it is the first one on the page.
SAVE_SLOT = "<!-- the reader's Save button -->"


@dataclass(frozen=True)
class EssayParts:
    meta: SafeString  # the head's meta tags, canonical link and JSON-LD
    before_save: SafeString  # the page's content up to the reader's Save button
    after_save: SafeString  # the rest of the content: text, preview's offer, reviews, related
    comments: Any = None  # the comments' own object, for a teacher's or moderator's controls


def _is_ordinary(*, essay: Essay, viewer: Any) -> bool:
    """A reader whose page holds nothing of their own: not a teacher, a moderator or the author."""
    if not getattr(viewer, "is_authenticated", False):
        return True
    return not (viewer.is_staff or viewer.is_verified_teacher or essay.author_id == viewer.pk)


def _shown_names(essay: Essay) -> str:
    """A digest of what the page shows that lives outside the essay's own row."""
    section, author = essay.section, essay.author
    shown = "\x1f".join(
        [
            essay.level.name,
            section.subject.name,
            section.name,
            essay.author_name,
            author.author_page_url if author is not None else "",
            stored_cards(essay=essay),
        ]
    )
    return hashlib.blake2b(shown.encode(), digest_size=8).hexdigest()


def parts_key(*, essay: Essay, visible: VisibleText, signed_in: bool) -> str:
    reader = f"{visible.kind}-{'member' if signed_in else 'visitor'}"
    stamp = essay.updated_at.timestamp() if essay.updated_at else 0
    return (
        f"essay-parts:{PARTS_VERSION}:{essay.pk}:{essay.text_version}:{reader}:"
        f"{essay.review_count}:{essay.rating_average}:{essay.comment_count}:{stamp}:{_shown_names(essay)}"
    )


def essay_parts(*, request: HttpRequest, essay: Essay, visible: VisibleText) -> EssayParts:
    """The rendered page of `essay` for the reader of `request`, who sees `visible`."""
    viewer = request.user
    if not _is_ordinary(essay=essay, viewer=viewer):
        return _render(request=request, essay=essay, visible=visible)
    key = parts_key(essay=essay, visible=visible, signed_in=viewer.is_authenticated)
    try:
        kept = cache.get(key)
    except Exception:
        logger.warning("Essay page not read from the cache: it is unreachable", exc_info=True)
        kept = None
    if kept is not None:
        meta, before, after = kept
        return EssayParts(mark_safe(meta), mark_safe(before), mark_safe(after))
    parts = _render(request=request, essay=essay, visible=visible)
    try:
        cache.set(key, (str(parts.meta), str(parts.before_save), str(parts.after_save)), timeout=PARTS_SECONDS)
    except Exception:
        logger.warning("Essay page not kept in the cache: it is unreachable", exc_info=True)
    return EssayParts(parts.meta, parts.before_save, parts.after_save)


def _render(*, request: HttpRequest, essay: Essay, visible: VisibleText) -> EssayParts:
    from redink.marking.selectors_comments import essay_comments_for, reattaching
    from redink.marking.selectors_reviews import essay_reviews_for

    comments = essay_comments_for(essay=essay, viewer=request.user, visible=visible)
    can_comment = bool(comments.can_comment)
    description = meta_description(essay)
    context = {
        "essay": essay,
        "visible": visible,
        "comments": comments,
        "reviews": essay_reviews_for(essay=essay, viewer=request.user),
        "meta_description": description,
        "json_ld": essay_json_ld(essay, description=description),
        "canonical_url": settings.SITE_URL + essay.get_absolute_url(),
        "related": related_for_page(essay=essay),
        # What the closed sites say under a preview, from real figures (cached for minutes).
        "figures": None if visible.is_complete else selectors.library_figures(),
        # A teacher's own: a comment being re-attached, and what a refused comment said.
        "reattach": reattaching(essay=essay, viewer=request.user, comment_id=request.GET.get("reattach"))
        if can_comment
        else None,
        "comment_draft": request.session.pop("comment_draft", "") if can_comment else "",
        "save_slot": mark_safe(SAVE_SLOT),  # a constant of this module
    }
    content = render_to_string("catalogue/_essay_page.html", context, request=request)
    before, slot, after = content.partition(SAVE_SLOT)
    if not slot:
        raise RuntimeError("catalogue/_essay_page.html has lost its {{ save_slot }}")
    return EssayParts(
        meta=mark_safe(render_to_string("catalogue/_essay_meta.html", context, request=request)),
        before_save=mark_safe(before),  # rendered by the template above
        after_save=mark_safe(after),
        comments=comments if can_comment else None,
    )
