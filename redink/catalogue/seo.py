"""Meta description, Open Graph and JSON-LD: always drawn from the free preview, and the
teachers' rating as figures only (a review's words may quote the hidden part)."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from redink.access.visibility import essay_text_for

from .models import Essay

PAYWALLED_CSS_CLASS = "paywalled-content"


def meta_description(essay: Essay, *, length: int = 160) -> str:
    # viewer=None: search engines and link previews get exactly what a visitor gets.
    text = essay_text_for(essay=essay, viewer=None).text
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def essay_json_ld(essay: Essay, *, description: str) -> SafeString:
    url = settings.SITE_URL + essay.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": essay.title[:110],
        "name": essay.title,
        "url": url,
        "mainEntityOfPage": url,
        "description": description,
        "wordCount": essay.word_count,
        "author": {"@type": "Person", "name": essay.author_name},
        "about": [essay.level.name, essay.subject.name, essay.section.name],
        "isAccessibleForFree": False,
        "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": f".{PAYWALLED_CSS_CLASS}"},
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
    }
    if essay.review_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(essay.rating_average, 1),
            "reviewCount": essay.review_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    if essay.published_at:
        data["datePublished"] = essay.published_at.isoformat()
    if essay.updated_at:
        data["dateModified"] = essay.updated_at.isoformat()
    payload = json.dumps(data, ensure_ascii=False)
    # Keep "</script>" and friends from closing the tag early.
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(payload)
