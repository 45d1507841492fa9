from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .selectors import search_essays, title_suggestions


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    found = search_essays(raw=raw, params=request.GET.dict(), viewer=request.user)
    return render(request, "search/results.html", {"search": found, "query": raw})


@require_safe
def suggest(request: HttpRequest) -> HttpResponse:
    """Title suggestions as JSON for the search box (progressive enhancement)."""
    suggestions = title_suggestions(text=request.GET.get("q", ""))
    from redink.catalogue.models import Essay

    # Looked up by id alone: with the status in the query, SQLite would walk the status index
    # over every published essay instead (15 ms at 160,000 essays, against 0.1 ms).
    rows = Essay.objects.filter(pk__in=[s.essay_id for s in suggestions]).values_list("pk", "slug", "status")
    slugs = {pk: slug for pk, slug, status in rows if status == Essay.Status.PUBLISHED}
    payload = [{"title": s.title, "url": f"/essays/{slugs[s.essay_id]}/"} for s in suggestions if s.essay_id in slugs]
    return JsonResponse({"suggestions": payload})
