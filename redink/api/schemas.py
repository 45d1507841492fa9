"""What the API answers, as typed models: the OpenAPI schema is generated from these.

Essay text appears in one model only, `EssayText`, built from `essay_text_for`'s verdict
(`essay_text_out`, at the end): no other model has a field that could carry it. The Web Annotation models
describe the JSON-LD that `redink.marking.webannotation` builds for annotations.jsonld, so
the schema tells app makers the W3C shapes they will get.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

if TYPE_CHECKING:
    from redink.access.visibility import VisibleText
    from redink.catalogue.models import Essay
    from redink.search.cards import ListedEssay

# --- Errors --------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="A stable word to branch on: invalid, not_found, rate_limited, …")
    message: str = Field(description="What went wrong, for a person.")
    fields: dict[str, list[str]] = Field(description="The parameters at fault, with what is wrong with each.")


class ErrorOut(Schema):
    error: ErrorDetail


# --- Taxonomy ------------------------------------------------------------------------------


class LevelOut(Schema):
    slug: str
    name: str
    essay_count: int = Field(description="Published essays at this level.")
    url: str = Field(description="The level's page on the site.")


class SubjectOut(Schema):
    slug: str
    name: str
    level: str = Field(description="The level's slug.")
    essay_count: int
    url: str


class SectionOut(Schema):
    slug: str
    name: str
    level: str
    subject: str = Field(description="The subject's slug.")
    essay_count: int
    url: str


class TaxonomyRef(Schema):
    slug: str
    name: str


# --- Essays --------------------------------------------------------------------------------


class EssayCard(Schema):
    """An essay as a listing shows it: never any of its text."""

    slug: str
    title: str
    url: str = Field(description="The essay's page on the site.")
    level: TaxonomyRef
    subject: TaxonomyRef
    section: TaxonomyRef
    author_name: str
    word_count: int
    published_at: datetime | None
    exam_board: str
    year: int | None
    grade: str
    is_teacher_marked: bool
    review_count: int
    rating_average: float = Field(description="Teachers' stars, 1-5 (0 without a review).")
    reading_count: int
    comment_count: int = Field(description="Teachers' margin comments readers of the whole essay see.")


class EssayPage(Schema):
    items: list[EssayCard]
    sort: Literal["newest", "most-read", "best-rated"]
    limit: int
    next: str | None = Field(description="The next page's address, or null on the last page.")


class EssayText(Schema):
    """What this caller may read of the essay: the whole text, or the preview a visitor's page shows."""

    complete: bool = Field(description="True when `paragraphs` is the whole essay.")
    kind: Literal["full", "preview"]
    style: Literal["full", "lead", "extracts"] = Field(
        description="full; lead (the opening paragraphs); extracts (passages with gaps between them)."
    )
    paragraphs: list[str] = Field(description="Paragraphs, or for extracts one passage each.")
    words_shown: int
    total_words: int
    share_percent: int = Field(description="The share of the essay's words in `paragraphs`.")


class EssayDetail(EssayCard):
    text: EssayText
    annotations_url: str
    reviews_url: str
    related_url: str


class RelatedCardOut(Schema):
    slug: str
    title: str
    full_title: str
    url: str
    snippet: str
    section_name: str
    words: str = Field(description='As the page writes it: "1,697 words".')
    is_teacher_marked: bool


class RelatedOut(Schema):
    heading: str
    items: list[RelatedCardOut]


# --- Reviews -------------------------------------------------------------------------------


class ObjectiveMarkOut(Schema):
    code: str
    title: str
    marks: int
    max_marks: int


class ReviewOut(Schema):
    id: int
    teacher_name: str
    teacher_is_verified: bool
    stars: int = Field(ge=1, le=5)
    published_at: datetime | None
    edited_at: datetime | None
    overall: str = Field(description="The overall mark or grade the teacher gave, if any.")
    marks: list[ObjectiveMarkOut]
    total: int | None
    total_max: int
    strengths: str | None = Field(description="What the teacher wrote; null unless the caller reads the whole essay.")
    next_steps: str | None = Field(description="Null unless the caller reads the whole essay.")
    is_hidden: bool = Field(description="Hidden by a moderator (shown to moderators only).")


class ReviewsOut(Schema):
    count: int
    average: float
    with_text: bool = Field(description="Whether the teachers' words are included (callers who read the whole essay).")
    items: list[ReviewOut]


# --- W3C Web Annotations -------------------------------------------------------------------


class TextQuoteSelector(Schema):
    type: Literal["TextQuoteSelector"]
    exact: str
    prefix: str
    suffix: str


class TextPositionSelector(Schema):
    type: Literal["TextPositionSelector"]
    start: int = Field(ge=0, description="Unicode code points from 0 over the paragraphs joined by a blank line.")
    end: int = Field(ge=0, description="Exclusive.")


class AnnotationTarget(Schema):
    source: str
    selector: list[TextQuoteSelector | TextPositionSelector]


class TextualBody(Schema):
    type: Literal["TextualBody"]
    value: str
    format: Literal["text/plain"]


class Person(Schema):
    type: Literal["Person"]
    name: str


class Annotation(Schema):
    id: str
    type: Literal["Annotation"]
    motivation: Literal["commenting"]
    created: str = Field(description="xsd:dateTime, UTC.")
    modified: str
    creator: Person
    body: TextualBody
    target: AnnotationTarget


class AnnotationPage(Schema):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    type: Literal["AnnotationPage"]
    part_of: str = Field(alias="partOf")
    start_index: int = Field(alias="startIndex")
    items: list[Annotation] = Field(description="Empty unless the caller reads the whole essay.")


class AnnotationCollection(Schema):
    model_config = ConfigDict(populate_by_name=True)

    context: Literal["http://www.w3.org/ns/anno.jsonld"] = Field(alias="@context")
    id: str
    type: Literal["AnnotationCollection"]
    label: str
    total: int
    first: AnnotationPage


# --- Search --------------------------------------------------------------------------------


class SearchHit(Schema):
    essay: EssayCard
    snippet_html: str = Field(
        description="As the search page shows it: HTML-escaped text with <mark> around matches, cut "
        "only from what the caller may read."
    )
    matched_hidden_only: bool = Field(description="The words matched only in the part the caller may not read.")


class Facet(Schema):
    slug: str
    name: str
    level: str | None = Field(description="For a subject: its level's slug.")
    count: int


class SearchOut(Schema):
    query: str
    sort: str
    page: int
    num_pages: int
    total: int
    total_capped: bool = Field(description="`total` is a floor: there are more.")
    results: list[SearchHit]
    level_facets: list[Facet]
    subject_facets: list[Facet]
    did_you_mean: str
    corrected: str | None = Field(
        description="The corrected query the results are for, when the typed one found nothing."
    )
    message: str = Field(description="Why nothing was searched for, when nothing was.")
    phrases_as_words: bool = Field(description="Quoted phrases were matched as sets of words for this caller.")
    scope_page: str = Field(description="The query named only a level or subject: the address of its page.")
    next: str | None


# --- The caller ----------------------------------------------------------------------------


class EntitlementOut(Schema):
    source: str
    starts_at: datetime
    ends_at: datetime


class MeOut(Schema):
    name: str = Field(description="The name other people see.")
    reads_everything: bool = Field(description="Every essay's whole text is readable with these credentials.")
    is_member: bool
    member_until: datetime | None
    is_verified_teacher: bool
    entitlements: list[EntitlementOut] = Field(description="Active now.")


class ReadingListItemOut(Schema):
    id: int
    title: str
    note: str
    saved_at: datetime
    available: bool = Field(description="False once the essay has left the library.")
    essay: EssayCard | None


class ReadingListPage(Schema):
    items: list[ReadingListItemOut]
    next: str | None


class ReadingListAdd(Schema):
    model_config = ConfigDict(extra="forbid")

    essay: str = Field(min_length=1, max_length=120, description="The essay's slug.")
    note: str = Field(default="", max_length=500)


class ReadingListNote(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(max_length=500)


class UploadStatusOut(Schema):
    id: int
    status: str
    label: str
    reason: str
    final: bool
    url: str = Field(description="The published essay's page, once there is one.")


# --- Builders ------------------------------------------------------------------------------


def _ref(thing: object) -> TaxonomyRef:
    return TaxonomyRef(slug=thing.slug, name=thing.name)  # type: ignore[attr-defined]


def essay_card(essay: Essay | ListedEssay) -> EssayCard:
    """An essay loaded `for_listing()` (taxonomy and author joined, no text), or a search
    result's row, as a card."""
    return EssayCard(
        slug=essay.slug,
        title=essay.title,
        url=essay.get_absolute_url(),
        level=_ref(essay.level),
        subject=_ref(essay.subject),
        section=_ref(essay.section),
        author_name=essay.author_name,
        word_count=essay.word_count,
        published_at=essay.published_at,
        exam_board=essay.exam_board,
        year=essay.year,
        grade=essay.grade,
        is_teacher_marked=essay.is_teacher_marked,
        review_count=essay.review_count,
        rating_average=essay.rating_average,
        reading_count=essay.reading_count,
        comment_count=essay.comment_count,
    )


def essay_text_out(visible: VisibleText) -> EssayText:
    """`essay_text_for`'s verdict as the API sends it: the only way essay text gets into a response."""
    return EssayText(
        complete=visible.is_complete,
        kind=visible.kind,
        style=visible.style,
        paragraphs=list(visible.blocks),
        words_shown=visible.words_shown,
        total_words=visible.total_words,
        share_percent=visible.share_percent,
    )
