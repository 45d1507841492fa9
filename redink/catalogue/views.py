from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from redink.access.visibility import essay_text_for
from redink.core.clients import client_key
from redink.core.ratelimit import Rate, limit_consume

from . import selectors
from .models import Essay, Level, Section, Subject
from .parts import essay_parts
from .readers import reader_arrive

logger = logging.getLogger(__name__)


def _total(counted: list) -> int:
    """Sum of the `essay_count` annotations of a list of levels, subjects or sections."""
    return sum(getattr(item, "essay_count", 0) for item in counted)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    levels = list(selectors.levels_with_counts())
    return render(
        request,
        "catalogue/home.html",
        {
            "levels": levels,
            "recent": selectors.recent_essays(),
            "popular": selectors.popular_essays(),
            "best_marked": selectors.best_marked_essays(),
            "over_count": selectors.over_count_phrase(count=_total(levels)),
        },
    )


def _listing(request: HttpRequest, *, scope: dict, template: str, context: dict) -> HttpResponse:
    if request.GET.get("sort") == selectors.MARKED_SORT:
        # The old "Teacher-marked first" sort: the same page with the filter that replaced it.
        params = request.GET.copy()
        del params["sort"]
        params["marked"] = "1"
        return HttpResponsePermanentRedirect(f"{request.path}?{params.urlencode()}")
    listing = selectors.essay_listing(
        scope=scope,
        sort=request.GET.get("sort"),
        page=request.GET.get("page"),
        per_page=settings.REDINK_PAGE_SIZE,
        marked=request.GET.get("marked") in {"1", "on", "true"},
    )
    return render(request, template, {**context, "listing": listing, "page_obj": listing.page})


@require_safe
def level_page(request: HttpRequest, level: str) -> HttpResponse:
    level_obj = get_object_or_404(Level, slug=level)
    children = list(selectors.subjects_with_counts(level=level_obj))
    return _listing(
        request,
        scope={"level": level_obj},
        template="catalogue/listing.html",
        context={
            "level": level_obj,
            "heading": level_obj.name,
            "children": children,
            "total": _total(children),
            "crumbs": [],
        },
    )


@require_safe
def subject_page(request: HttpRequest, level: str, subject: str) -> HttpResponse:
    subject_obj = get_object_or_404(Subject.objects.select_related("level"), level__slug=level, slug=subject)
    children = list(selectors.sections_with_counts(subject=subject_obj))
    return _listing(
        request,
        scope={"subject": subject_obj},
        template="catalogue/listing.html",
        context={
            "level": subject_obj.level,
            "subject": subject_obj,
            "heading": f"{subject_obj.level.name} {subject_obj.name}",
            "children": children,
            "total": _total(children),
            "crumbs": [subject_obj.level],
        },
    )


@require_safe
def section_page(request: HttpRequest, level: str, subject: str, section: str) -> HttpResponse:
    section_obj = get_object_or_404(
        Section.objects.select_related("subject__level"),
        subject__level__slug=level,
        subject__slug=subject,
        slug=section,
    )
    response = _listing(
        request,
        scope={"section": section_obj},
        template="catalogue/listing.html",
        context={
            "level": section_obj.subject.level,
            "subject": section_obj.subject,
            "section": section_obj,
            "heading": section_obj.name,
            "children": [],
            "total": None,
            "crumbs": [section_obj.subject.level, section_obj.subject],
        },
    )
    return response


@require_safe
def essay_page(request: HttpRequest, slug: str) -> HttpResponse:
    essay = selectors.essay_for_page(slug=slug, viewer=request.user, request=request)
    if essay is None:
        raise Http404("No essay has that address.")
    if essay.status == Essay.Status.WITHDRAWN:
        return render(request, "catalogue/withdrawn.html", {"essay": essay}, status=410)
    visible = essay_text_for(essay=essay, viewer=request.user)
    # The page around the reader's own header and Save button, kept rendered per kind of reader
    # (`parts.py`); a teacher's or moderator's is rendered on every request, with their controls.
    parts = essay_parts(request=request, essay=essay, visible=visible)
    return render(request, "catalogue/essay.html", {"essay": essay, "parts": parts, "comments": parts.comments})


@csrf_exempt
@require_POST
@never_cache
def essay_read_beacon(request: HttpRequest, slug: str) -> HttpResponse:
    """Counts a reading. Uncached, so counts keep going when pages come from a shared cache."""
    essay_id = Essay.objects.published().filter(slug=slug).values_list("pk", flat=True).first()
    if essay_id is None:
        raise Http404("No essay has that address.")
    visitor = client_key(request)
    rate = Rate(settings.REDINK_BEACON_PER_MINUTE, 60)
    if not limit_consume(scope="beacon", ident=visitor, rate=rate).allowed:
        return HttpResponse(status=204)  # past the address's limit: not counted, and nothing to tell
    if request.user.is_authenticated and request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin":
        # The reader's own history (redink.reading), never from a request another site's page made.
        from redink.reading.services import reading_history_record

        reading_history_record(user=request.user, essay_id=essay_id)
    try:
        # Counted among today's distinct readers; the reading is told apart by the day's
        # pseudonym for the address, so no cache key holds the address itself.
        reader = reader_arrive(client=visitor)
        first = cache.add(f"read:{essay_id}:{reader}", 1, timeout=settings.REDINK_READ_DEDUP_SECONDS)
    except Exception:
        logger.warning("Reading not counted (is the cache unreachable?)", exc_info=True)
        first = False
    if first:
        from .services import essay_record_reading

        essay_record_reading(essay_id=essay_id)
    return HttpResponse(status=204)
