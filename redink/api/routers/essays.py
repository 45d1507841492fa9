"""Essays: the listing (the browse pages' filters and sorts, with cursor pagination), an essay
with the text this caller may read, and its related essays.

The text goes through `essay_text_for` with `api_viewer` (a token's user never has staff
powers), exactly as the essay page passes its reader.

A cursor is the last essay's sort key and id, signed: an app cannot forge a position, and a
new essay published meanwhile neither repeats nor skips an essay the way page numbers would.
Every key is descending; an essay without a publication date sorts after those with one, on
every database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from redink.access.visibility import essay_text_for
from redink.catalogue.models import SORTS, Essay
from redink.catalogue.selectors import essay_for_page
from redink.core.links import site_url
from redink.related.selectors import related_for_page

from ..auth import VIEWER_OPENAPI_EXTRA, api_viewer, viewer_auth
from ..caching import conditional_json
from ..errors import ApiError
from ..schemas import EssayDetail, EssayPage, RelatedCardOut, RelatedOut, essay_card, essay_text_out
from . import SLUG, errors

router = Router(tags=["essays"], auth=viewer_auth)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CURSOR_SALT = "redink.api.essays.cursor"
# The listing's sorts (catalogue.models.SORTS), every key descending, ties broken by id.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    name: tuple(key.lstrip("-") for key in keys) for name, (_, keys) in SORTS.items()
}
NULLABLE = frozenset({"published_at"})
Sort = Literal["newest", "most-read", "best-rated"]


def _key_of(essay: Essay, sort: str) -> list[Any]:
    values = []
    for name in SORT_KEYS[sort]:
        value = getattr(essay, name)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    return values


def cursor_encode(essay: Essay, sort: str) -> str:
    return signing.dumps({"s": sort, "k": _key_of(essay, sort)}, salt=CURSOR_SALT, compress=True)


def cursor_decode(cursor: str, sort: str) -> list[Any]:
    # A cursor names a page of the listing, as a slug names an essay: one this listing never gave
    # is a page that is not there (404), whatever it looks like.
    refused = ApiError(
        404,
        "This listing has no page at that cursor: use the `next` it gave.",
        fields={"cursor": ["not a valid cursor"]},
    )
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise refused from exc
    keys = SORT_KEYS[sort]
    if not isinstance(data, dict) or data.get("s") != sort or len(data.get("k") or ()) != len(keys):
        raise refused
    values = list(data["k"])
    for index, name in enumerate(keys):
        if name == "published_at" and values[index] is not None:
            values[index] = datetime.fromisoformat(values[index])
    return values


def _after(sort: str, values: list[Any]) -> Q:
    """Essays after the one whose key is `values`, in descending order with missing dates last."""
    keys = SORT_KEYS[sort]
    after = Q(pk__in=[])
    equal = Q()
    for name, value in zip(keys, values, strict=True):
        if value is not None:  # nothing sorts after a missing date but other missing dates
            below = Q(**{f"{name}__lt": value})
            if name in NULLABLE:
                below |= Q(**{f"{name}__isnull": True})
            after |= equal & below
        equal &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return after


def _ordered(queryset: QuerySet[Essay], sort: str) -> QuerySet[Essay]:
    return queryset.order_by(*(F(name).desc(nulls_last=True) for name in SORT_KEYS[sort]))


def _scope(level: str | None, subject: str | None, section: str | None) -> Q:
    """The browse pages' scopes, each by slug: a subject or a section named without its level
    takes in every level's of that name ("history": History at every level)."""
    scope = Q()
    if level:
        scope &= Q(level__slug=level)
    if subject:
        scope &= Q(subject__slug=subject)
    if section:
        scope &= Q(section__slug=section)
    return scope


@router.get("/", response={200: EssayPage, **errors(404, 422)}, openapi_extra=VIEWER_OPENAPI_EXTRA)
def essay_list(
    request: HttpRequest,
    level: str | None = Query(None, pattern=SLUG, max_length=80),
    subject: str | None = Query(None, pattern=SLUG, max_length=80),
    section: str | None = Query(None, pattern=SLUG, max_length=120),
    marked: bool = Query(False, description="Only essays marked by a teacher."),
    exam_board: str | None = Query(None, max_length=60),
    year: int | None = Query(None, ge=1900, le=2100),
    grade: str | None = Query(None, max_length=20),
    sort: Sort = "newest",
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="`next` of the previous page holds it."),
) -> EssayPage:
    """Published essays, as the level, subject and section pages list them."""
    queryset = Essay.objects.published().filter(_scope(level, subject, section))
    if marked:
        queryset = queryset.filter(is_teacher_marked=True)
    if exam_board:
        queryset = queryset.filter(exam_board__iexact=exam_board)
    if year is not None:
        queryset = queryset.filter(year=year)
    if grade:
        queryset = queryset.filter(grade__iexact=grade)
    if cursor:
        queryset = queryset.filter(_after(sort, cursor_decode(cursor, sort)))
    rows = list(_ordered(queryset.for_listing(), sort)[: limit + 1])
    next_url = None
    if len(rows) > limit:
        rows = rows[:limit]
        params = request.GET.copy()
        params["cursor"] = cursor_encode(rows[-1], sort)
        next_url = site_url(f"{request.path}?{params.urlencode()}")
    return EssayPage(items=[essay_card(essay) for essay in rows], sort=sort, limit=limit, next=next_url)


def essay_or_error(slug: str) -> Essay:
    """The essay as its page finds it: 404 when there is none, 410 once withdrawn."""
    essay = essay_for_page(slug=slug, with_related=False)
    if essay is None:
        raise ApiError(404, "No essay has that slug.")
    if essay.status == Essay.Status.WITHDRAWN:
        raise ApiError(410, "This essay has been withdrawn from the library.")
    return essay


SlugPath = Path(..., pattern=SLUG, max_length=120)


@router.get(
    "/{slug}/",
    response={200: EssayDetail, 304: None, **errors(404, 410, 422)},
    openapi_extra=VIEWER_OPENAPI_EXTRA,
)
def essay_detail(request: HttpRequest, slug: str = SlugPath) -> HttpResponse:
    """The essay with what this caller may read of it: the whole text, or the preview the page
    shows a visitor (`text.complete` says which). Carries an ETag: send it as If-None-Match."""
    essay = essay_or_error(slug)
    visible = essay_text_for(essay=essay, viewer=api_viewer(request))
    base = f"{request.path}"
    detail = EssayDetail(
        **essay_card(essay).model_dump(),
        text=essay_text_out(visible),
        annotations_url=site_url(base + "annotations/"),
        reviews_url=site_url(base + "reviews/"),
        related_url=site_url(base + "related/"),
    )
    return conditional_json(
        request, detail.model_dump(mode="json"), reader=visible.kind, last_modified=essay.updated_at
    )


@router.get("/{slug}/related/", response={200: RelatedOut, **errors(404, 410, 422)}, openapi_extra=VIEWER_OPENAPI_EXTRA)
def essay_related(request: HttpRequest, slug: str = SlugPath) -> RelatedOut:
    """The related essays listed under the essay on its page, in the same order."""
    block = related_for_page(essay=essay_or_error(slug))
    return RelatedOut(
        heading=block.heading,
        items=[
            RelatedCardOut(
                slug=card.url.rstrip("/").rsplit("/", 1)[-1],
                title=card.title,
                full_title=card.full_title,
                url=card.url,
                snippet=card.snippet,
                section_name=card.section_name,
                words=card.words,
                is_teacher_marked=card.is_teacher_marked,
            )
            for card in block.cards
        ],
    )
