"""An essay's margin comments in the W3C Web Annotation Data Model: one `AnnotationCollection`
with its single `AnnotationPage` embedded, each comment an `Annotation` whose body is the
teacher's words and whose target is the essay, by quote and by position.

What is exported is what an ordinary member reads beside the essay (`selectors_comments`):
comments placed in the essay's current text, not hidden by a moderator, by teachers who are
still verified and active. Comments quote the essay, so like the essay page they follow its
text: a viewer `access.visibility` does not let read the whole essay is told how many there
are (`total`) and given none (`items` is empty). Hidden comments and orphans are never
exported, to anyone: the collection is the same for every reader who may see it, so its
ETag is too.

Identifiers are absolute URLs on the site as it is served (SITE_URL, as the essay page's
canonical link), never on the host a request happened to name: the same comment has the same
`id` however it was fetched.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.core.links import site_url

from .models import MarginComment
from .selectors_comments import readable_comments

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'


def _base(request_or_base_url: HttpRequest | str) -> str:
    """The site's address: a base URL given as is, or (for a request) SITE_URL."""
    if isinstance(request_or_base_url, str):
        return request_or_base_url.rstrip("/")
    return site_url("/").rstrip("/")


def _timestamp(moment: datetime) -> str:
    """xsd:dateTime in UTC to the second, as the model's examples write it (…T12:00:00Z)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def exported_comments(*, essay: Essay) -> QuerySet[MarginComment]:
    """The comments an ordinary member reads beside the essay, in the order of the text."""
    return readable_comments(essay=essay).select_related("teacher").order_by("start", "end", "id")


def annotation_id(essay_url: str, comment: MarginComment) -> str:
    """A comment's identifier: where it is on the essay page, by its primary key (stable
    through edits, re-anchoring and re-numbering of the comments beside the text)."""
    return f"{essay_url}#comment-{comment.pk}"


def annotation(comment: MarginComment, *, essay_url: str) -> dict[str, Any]:
    """One comment as an Annotation (embedded in a page, so without its own @context)."""
    return {
        "id": annotation_id(essay_url, comment),
        "type": "Annotation",
        "motivation": "commenting",
        "created": _timestamp(comment.created_at),
        "modified": _timestamp(comment.modified_at),
        # The name other people see; never the e-mail address.
        "creator": {"type": "Person", "name": comment.teacher_name},
        "body": {"type": "TextualBody", "value": comment.body, "format": "text/plain"},
        "target": {
            "source": essay_url,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": comment.exact,
                    "prefix": comment.prefix,
                    "suffix": comment.suffix,
                },
                # Unicode code points from 0, end exclusive, over the essay's paragraphs
                # joined by a blank line.
                {"type": "TextPositionSelector", "start": comment.start, "end": comment.end},
            ],
        },
    }


def annotation_collection(*, essay: Essay, viewer: Any, request_or_base_url: HttpRequest | str) -> dict[str, Any]:
    """The essay's margin comments as an AnnotationCollection for `viewer`: every exported
    comment for a reader of the whole essay, only their number for anyone else."""
    base = _base(request_or_base_url)
    essay_url = base + essay.get_absolute_url()
    collection_id = base + reverse("marking:annotations", kwargs={"slug": essay.slug})
    if essay_text_for(essay=essay, viewer=viewer).is_complete:
        items = [annotation(comment, essay_url=essay_url) for comment in exported_comments(essay=essay)]
        total = len(items)
    else:
        items, total = [], essay.comment_count  # stored with every comment change, as the page shows it
    return {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Teachers’ margin comments on “{essay.title}”",  # noqa: RUF001 (typographic quotes, as the pages)
        "total": total,
        "first": {
            "id": f"{collection_id}#page-1",
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        },
    }
