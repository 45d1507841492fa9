"""ETag, Last-Modified and 304 for the API's detail endpoints, and who may keep a copy.

The ETag is a hash of the bytes sent together with what `essay_text_for` let this caller read
(`reader`): a member's copy of an essay and a visitor's have different tags even where their
bytes could agree, so a member who sends a visitor's tag is never told "not modified" and left
with a preview. `If-Modified-Since` is honoured only for anonymous callers: the essay's last
save says nothing about what a particular reader may see, and a signed-in reader's copies are
never stored anyway (`private, no-store`).

Anonymous answers are left to `redink.core.middleware.SharedCacheMiddleware`, as pages are
(public, max-age=0, s-maxage); a 304 for them repeats those headers, as the annotations view
does, so a shared cache keeps its copy. Every API answer varies on `Authorization`: a cache
must never hand a visitor's copy to a caller with a token.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date


def is_anonymous(request: HttpRequest) -> bool:
    """No credentials at all: no token, no signed-in session."""
    from .auth import api_viewer

    viewer = api_viewer(request)
    return not getattr(viewer, "is_authenticated", False) and "HTTP_AUTHORIZATION" not in request.META


def mark_private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def mark_shareable(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.REDINK_SHARED_CACHE_SECONDS)
    return response


def encode(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def etag_for(body: bytes, *, reader: str) -> str:
    digest = hashlib.sha256(reader.encode() + b"\0" + body).hexdigest()[:40]
    return f'"{digest}"'


def conditional_json(
    request: HttpRequest,
    payload: Any,
    *,
    reader: str,
    last_modified: datetime | None = None,
    content_type: str = "application/json",
) -> HttpResponse:
    """`payload` as JSON with its ETag (and Last-Modified), or a 304 when the caller's copy is current.

    `reader` names what the caller may read (e.g. "full" or "preview") and is part of the tag."""
    body = encode(payload)
    anonymous = is_anonymous(request)
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag_for(body, reader=f"{reader}:{'visitor' if anonymous else 'signed-in'}")
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    judged = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(last_modified.timestamp()) if (anonymous and last_modified) else None,
        response=response,
    )
    if judged is response or judged is None:
        return response if anonymous else mark_private(response)
    # A 304 carries the validators and caching headers of the 200 it stands for.
    patch_vary_headers(judged, ("Authorization",))
    return mark_shareable(judged) if anonymous else mark_private(judged)
