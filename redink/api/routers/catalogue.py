"""Levels, subjects and sections with their counts of published essays, as the browse pages show them."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Router

from redink.catalogue import selectors
from redink.catalogue.models import Level, Subject

from ..auth import VIEWER_OPENAPI_EXTRA, viewer_auth
from ..errors import ApiError
from ..schemas import LevelOut, SectionOut, SubjectOut
from . import SLUG, errors

router = Router(tags=["catalogue"], auth=viewer_auth)


def level_or_404(slug: str) -> Level:
    level = Level.objects.filter(slug=slug).first()
    if level is None:
        raise ApiError(404, "No level has that slug.", fields={"level": ["not found"]})
    return level


def subject_or_404(level: Level, slug: str) -> Subject:
    subject = Subject.objects.select_related("level").filter(level=level, slug=slug).first()
    if subject is None:
        raise ApiError(404, f"{level.name} has no subject with that slug.", fields={"subject": ["not found"]})
    return subject


@router.get("/levels/", response={200: list[LevelOut], **errors()}, openapi_extra=VIEWER_OPENAPI_EXTRA)
def levels(request: HttpRequest) -> list[LevelOut]:
    """Every level, in the home page's order, with its count of published essays."""
    return [
        LevelOut(slug=level.slug, name=level.name, essay_count=level.essay_count, url=level.get_absolute_url())  # type: ignore[attr-defined]
        for level in selectors.levels_with_counts()
    ]


@router.get(
    "/levels/{level}/subjects/",
    response={200: list[SubjectOut], **errors(404, 422)},
    openapi_extra=VIEWER_OPENAPI_EXTRA,
)
def subjects(request: HttpRequest, level: str = Path(..., pattern=SLUG, max_length=80)) -> list[SubjectOut]:
    """A level's subjects, as the level's page lists them."""
    found = level_or_404(level)
    return [
        SubjectOut(
            slug=subject.slug,
            name=subject.name,
            level=found.slug,
            essay_count=subject.essay_count,  # type: ignore[attr-defined]
            url=subject.get_absolute_url(),
        )
        for subject in selectors.subjects_with_counts(level=found)
    ]


@router.get(
    "/levels/{level}/subjects/{subject}/sections/",
    response={200: list[SectionOut], **errors(404, 422)},
    openapi_extra=VIEWER_OPENAPI_EXTRA,
)
def sections(
    request: HttpRequest,
    level: str = Path(..., pattern=SLUG, max_length=80),
    subject: str = Path(..., pattern=SLUG, max_length=80),
) -> list[SectionOut]:
    """A subject's sections, as the subject's page lists them."""
    found = subject_or_404(level_or_404(level), subject)
    return [
        SectionOut(
            slug=section.slug,
            name=section.name,
            level=found.level.slug,
            subject=found.slug,
            essay_count=section.essay_count,  # type: ignore[attr-defined]
            url=section.get_absolute_url(),
        )
        for section in selectors.sections_with_counts(subject=found)
    ]
