from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /essays/*/read/",
        "Disallow: /search/",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def contact(request: HttpRequest) -> HttpResponse:
    """Where to write to the people who run the site (REDINK_CONTACT_EMAIL)."""
    return render(request, "core/contact.html", {"contact_email": settings.REDINK_CONTACT_EMAIL})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A styled 403 that says why: the reason the view gave when refusing, if it gave one."""
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token: usually a page left open past the session's end."""
    return render(request, "403_csrf.html", status=403)


@require_safe
def site_map(request: HttpRequest) -> HttpResponse:
    """The site map for people (crawlers have /sitemap.xml): every level, subject and section that
    holds a published essay, with its count, and the site's own pages."""
    from django.db.models import Count, Q

    from redink.catalogue.models import Essay, Section

    sections = (
        Section.objects.annotate(essay_count=Count("essays", filter=Q(essays__status=Essay.Status.PUBLISHED)))
        .filter(essay_count__gt=0)
        .select_related("subject__level")
        .order_by("subject__level__position", "subject__level__name", "subject__name", "name")
    )
    levels: dict[int, dict] = {}
    for section in sections:
        subject, level = section.subject, section.subject.level
        entry = levels.setdefault(level.pk, {"level": level, "count": 0, "subjects": {}})
        entry["count"] += section.essay_count
        subject_entry = entry["subjects"].setdefault(subject.pk, {"subject": subject, "count": 0, "sections": []})
        subject_entry["count"] += section.essay_count
        subject_entry["sections"].append(section)
    tree = [{**entry, "subjects": list(entry["subjects"].values())} for entry in levels.values()]
    return render(request, "core/site_map.html", {"tree": tree})
