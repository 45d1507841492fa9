from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from redink.core.ratelimit import rate_limited

from .selectors import search_essays, title_suggestions


@require_safe
@rate_limited(
    "search", setting="REDINK_SEARCHES_PER_MINUTE", message="You have made a great many searches in the last minute."
)
def results(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    found = search_essays(raw=raw, params=request.GET.dict(), viewer=request.user)
    if found.scope_page:  # "GCSE history": the GCSE History page
        return redirect(found.scope_page)
    return render(request, "search/results.html", {"search": found, "query": raw})


@require_safe
@rate_limited("suggest", setting="REDINK_SUGGESTIONS_PER_MINUTE", as_json=True)
def suggest(request: HttpRequest) -> HttpResponse:
    """Title suggestions as JSON for the search box (progressive enhancement)."""
    suggestions = title_suggestions(text=request.GET.get("q", ""))
    from redink.catalogue.models import Essay

    found = Essay.objects.published_among(s.essay_id for s in suggestions)
    slugs = dict(found.values_list("pk", "slug"))
    payload = [{"title": s.title, "url": f"/essays/{slugs[s.essay_id]}/"} for s in suggestions if s.essay_id in slugs]
    return JsonResponse({"suggestions": payload})
