"""An essay's margin comments as a W3C Web Annotation collection, at
/essays/<slug>/annotations.jsonld (`webannotation.annotation_collection` says what is in it).

The collection depends on who asks (a reader of the whole essay gets the comments, anyone else
their number), so a signed-in reader's copy is private and varies on the cookie. A visitor
without a session cookie is answered without the session being opened at all, so their copy
is the same for every visitor and shareable, as the essay page is (core.middleware). Each copy
carries a strong ETag, the hash of its bytes, and a request whose If-None-Match names it is
answered 304.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from redink.catalogue.models import Essay
from redink.catalogue.selectors import essay_for_page

from ..webannotation import MEDIA_TYPE, annotation_collection


def _viewer(request: HttpRequest) -> tuple[Any, bool]:
    """Who is asking, and whether the answer is the same for every visitor. Without a session
    cookie there is no one to look up: the session is not touched (no query, no Vary)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return AnonymousUser(), True
    return request.user, False


@require_safe
def essay_annotations(request: HttpRequest, slug: str) -> HttpResponse:
    essay = essay_for_page(slug=slug, with_related=False)
    if essay is None:
        raise Http404("No essay has that address.")
    if essay.status == Essay.Status.WITHDRAWN:
        return render(request, "catalogue/withdrawn.html", {"essay": essay}, status=410)
    viewer, shareable = _viewer(request)
    collection = annotation_collection(essay=essay, viewer=viewer, request_or_base_url=request)
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:40]}"'
    response = HttpResponse(body, content_type=MEDIA_TYPE)
    response["ETag"] = etag
    if not shareable:
        patch_vary_headers(response, ("Cookie",))
    not_modified = get_conditional_response(request, etag=etag, response=response)
    if not_modified is None or not_modified is response:
        return response
    if shareable:
        # SharedCacheMiddleware makes only whole answers shareable: the 304 must carry the
        # headers of the 200 it stands for, or a cache would stop keeping that copy.
        patch_cache_control(not_modified, public=True, max_age=0, s_maxage=settings.REDINK_SHARED_CACHE_SECONDS)
    return not_modified


urlpatterns: list[URLPattern] = [
    path("essays/<slug:slug>/annotations.jsonld", essay_annotations, name="annotations"),
]
