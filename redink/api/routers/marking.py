"""An essay's teacher reviews and margin comments, with the essay page's visibility rules.

Reviews come from `essay_reviews_for` and comments from `annotation_collection`, the functions
the essay page and annotations.jsonld use: what the teachers wrote is there only for a caller
who may read the whole essay. Both carry an ETag that depends on what the caller may read.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from redink.access.visibility import essay_text_for
from redink.marking.selectors_reviews import essay_reviews_for
from redink.marking.webannotation import MEDIA_TYPE, annotation_collection

from ..auth import VIEWER_OPENAPI_EXTRA, api_viewer, viewer_auth
from ..caching import conditional_json
from ..schemas import AnnotationCollection, ObjectiveMarkOut, ReviewOut, ReviewsOut
from . import errors
from .essays import SlugPath, essay_or_error

router = Router(tags=["marking"], auth=viewer_auth)


@router.get(
    "/{slug}/reviews/",
    response={200: ReviewsOut, 304: None, **errors(404, 410, 422)},
    openapi_extra=VIEWER_OPENAPI_EXTRA,
)
def essay_reviews(request: HttpRequest, slug: str = SlugPath) -> HttpResponse:
    """Teachers' reviews: stars, marks and names for everyone; their words (`strengths`,
    `next_steps`) only for a caller who may read the whole essay."""
    essay = essay_or_error(slug)
    reviews = essay_reviews_for(essay=essay, viewer=api_viewer(request))
    out = ReviewsOut(
        count=reviews.count,
        average=reviews.average,
        with_text=reviews.with_text,
        items=[
            ReviewOut(
                id=card.id,
                teacher_name=card.teacher_name,
                teacher_is_verified=card.teacher_is_verified,
                stars=card.stars,
                published_at=card.published_at,
                edited_at=card.edited_at,
                overall=card.overall,
                marks=[
                    ObjectiveMarkOut(code=m.code, title=m.title, marks=m.marks, max_marks=m.max_marks)
                    for m in card.marks
                ],
                total=card.total,
                total_max=card.total_max,
                strengths=card.text.strengths if card.text else None,
                next_steps=card.text.next_steps if card.text else None,
                is_hidden=card.is_hidden,
            )
            for card in reviews.cards
        ],
    )
    return conditional_json(request, out.model_dump(mode="json"), reader="full" if reviews.with_text else "preview")


@router.get(
    "/{slug}/annotations/",
    response={200: AnnotationCollection, 304: None, **errors(404, 410, 422)},
    openapi_extra={**VIEWER_OPENAPI_EXTRA, "x-media-type": MEDIA_TYPE},
)
def essay_annotations(request: HttpRequest, slug: str = SlugPath) -> HttpResponse:
    """Teachers' margin comments as a W3C Web Annotation collection: the same JSON-LD as the
    site's /essays/<slug>/annotations.jsonld. A caller who may not read the whole essay is told
    how many there are (`total`) and given none."""
    essay = essay_or_error(slug)
    viewer = api_viewer(request)
    collection = annotation_collection(essay=essay, viewer=viewer, request_or_base_url=request)
    reader = essay_text_for(essay=essay, viewer=viewer).kind
    return conditional_json(request, collection, reader=reader, content_type=MEDIA_TYPE)
