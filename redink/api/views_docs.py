"""The API's docs page: Swagger UI from django-ninja's own static files, under the site's CSP.

No inline script: the page's settings travel as JSON in a data attribute, and a static script
of ours (static/js/api-docs.js) starts Swagger UI from them, so the site's `script-src 'self'`
holds. Nothing is fetched from another host.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    settings = {"url": reverse("api-v1:openapi-json"), "deepLinking": True, "layout": "BaseLayout"}
    return render(request, "api/docs.html", {"swagger_settings": json.dumps(settings)})
