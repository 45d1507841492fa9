"""The essay page's costly parts, rendered once and kept in the cache for ordinary readers.

An essay page spends most of its time building and rendering three things: the essay's text
(with teachers' highlights and margin comments for a full reader), the teachers' reviews, and
the rating line in its header. For every reader who is not a teacher, a moderator or the
essay's author, these depend on nothing but the essay and what `essay_text_for` lets the reader
see, so they are kept as rendered HTML under a key of:

- the essay and its text version (a new text is a new key);
- the kind of reader: `essay_text_for`'s verdict (full text or preview) and whether the reader
  is signed in (the buttons offered differ). The one redaction function
  decides on every request which entry a reader gets, so full text kept for members is never
  the answer for anyone it would not have been rendered for;
- the essay's review and comment counts, its rating and its last save, so that a review or a
  comment added, hidden or withdrawn shows at once.

A change those do not capture (a teacher rewording a review or a comment) shows within
PARTS_SECONDS. Teachers, moderators and authors see their own controls and drafts on the
page, so theirs are rendered on every request, through the same templates. A cache that is
unreachable costs the rendering, never the page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from redink.access.visibility import VisibleText

from .models import Essay

logger = logging.getLogger(__name__)

# How long a rendered part is kept: the longest a reworded review or comment takes to show.
PARTS_SECONDS = 60
# Part of every key: a change of the templates below starts from fresh entries.
PARTS_VERSION = 1


@dataclass(frozen=True)
class EssayParts:
    summary: SafeString  # the rating line in the header
    text: SafeString  # the essay's text as this reader may read it
    reviews: SafeString  # the teachers' reviews section
    comment_count: int  # margin comments this reader is told of
    annotated: bool  # the text carries comments beside it
    comments: Any = None  # the comments' own object, for a teacher's or moderator's controls


def _is_ordinary(*, essay: Essay, viewer: Any) -> bool:
    """A reader whose page holds nothing of their own: not a teacher, a moderator or the author."""
    if not getattr(viewer, "is_authenticated", False):
        return True
    return not (viewer.is_staff or viewer.is_verified_teacher or essay.author_id == viewer.pk)


def parts_key(*, essay: Essay, visible: VisibleText, signed_in: bool) -> str:
    reader = f"{visible.kind}-{'member' if signed_in else 'visitor'}"
    stamp = essay.updated_at.timestamp() if essay.updated_at else 0
    return (
        f"essay-parts:{PARTS_VERSION}:{essay.pk}:{essay.text_version}:{reader}:"
        f"{essay.review_count}:{essay.rating_average}:{essay.comment_count}:{stamp}"
    )


def essay_parts(*, request: HttpRequest, essay: Essay, visible: VisibleText) -> EssayParts:
    """The rendered parts of `essay`'s page for the reader of `request`, who sees `visible`."""
    viewer = request.user
    if not _is_ordinary(essay=essay, viewer=viewer):
        return _render(request=request, essay=essay, visible=visible)
    key = parts_key(essay=essay, visible=visible, signed_in=viewer.is_authenticated)
    try:
        kept = cache.get(key)
    except Exception:
        logger.warning("Essay page parts not read from the cache: it is unreachable", exc_info=True)
        kept = None
    if kept is not None:
        summary, text, reviews, count, annotated = kept
        return EssayParts(mark_safe(summary), mark_safe(text), mark_safe(reviews), count, annotated)
    parts = _render(request=request, essay=essay, visible=visible)
    try:
        value = (str(parts.summary), str(parts.text), str(parts.reviews), parts.comment_count, parts.annotated)
        cache.set(key, value, timeout=PARTS_SECONDS)
    except Exception:
        logger.warning("Essay page parts not kept in the cache: it is unreachable", exc_info=True)
    return EssayParts(parts.summary, parts.text, parts.reviews, parts.comment_count, parts.annotated)


def _render(*, request: HttpRequest, essay: Essay, visible: VisibleText) -> EssayParts:
    from redink.marking.selectors_comments import essay_comments_for
    from redink.marking.selectors_reviews import essay_reviews_for

    comments = essay_comments_for(essay=essay, viewer=request.user, visible=visible)
    reviews = essay_reviews_for(essay=essay, viewer=request.user)
    context = {"essay": essay, "visible": visible, "comments": comments, "reviews": reviews}
    return EssayParts(
        summary=render_to_string("marking/_reviews_summary.html", context, request=request),
        text=render_to_string("catalogue/_essay_text_block.html", context, request=request),
        reviews=render_to_string("marking/_reviews.html", context, request=request),
        comment_count=comments.count,
        annotated=bool(comments.notes),
        comments=comments,
    )
