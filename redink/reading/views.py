"""My reading list and my reading history. Every view is for the signed-in user's own rows:
an id that is someone else's answers 404, as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from redink.catalogue.models import Essay

from . import selectors, services
from .models import NOTE_MAX_LENGTH, SavedEssay


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target)


@require_safe
@login_required
def reading_list(request: HttpRequest) -> HttpResponse:
    page = selectors.reading_list_page(user=request.user, page=request.GET.get("page"))  # type: ignore[arg-type]
    return render(
        request, "reading/list.html", {"page_obj": page, "items": page.object_list, "note_max": NOTE_MAX_LENGTH}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def essay_save(request: HttpRequest, slug: str) -> HttpResponse:
    """GET asks (a page whose script submits the form at once: a GET changes nothing, so the
    link a visitor followed through the login page lands here); POST saves."""
    essay = get_object_or_404(Essay.objects.published().only("pk", "slug", "title"), slug=slug)
    if request.method != "POST":
        return render(request, "reading/confirm_save.html", {"essay": essay})
    item = services.reading_list_save(user=request.user, essay=essay)  # type: ignore[arg-type]
    message = f"“{essay.title}” is on your reading list."
    if _wants_json(request):
        return JsonResponse({"saved": True, "message": message, "action": reverse("reading:remove", args=[item.pk])})
    messages.success(request, message)
    return _back(request, essay.get_absolute_url())


@require_POST
@login_required
def item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item = SavedEssay.objects.filter(user=request.user, pk=item_id).select_related("essay").first()  # type: ignore[misc]
    if item is None or not services.reading_list_remove(user=request.user, item_id=item_id):  # type: ignore[arg-type]
        raise Http404("No such essay on your reading list.")
    message = f"“{item.title}” is no longer on your reading list."
    if _wants_json(request):
        save_url = reverse("reading:save", args=[item.essay.slug]) if item.is_available else ""  # type: ignore[union-attr]
        return JsonResponse({"saved": False, "message": message, "action": save_url})
    messages.success(request, message)
    return _back(request, reverse("reading:list"))


@require_POST
@login_required
def item_note(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = services.reading_list_note_set(
            user=request.user,  # type: ignore[arg-type]
            item_id=item_id,
            note=request.POST.get("note", ""),
        )
    except SavedEssay.DoesNotExist:
        raise Http404("No such essay on your reading list.") from None
    message = "Note saved." if item.note else "Note removed."
    if _wants_json(request):
        return JsonResponse({"message": message, "note": item.note})
    messages.success(request, f"{message} (“{item.title}”)")
    return _back(request, reverse("reading:list"))


@require_safe
@login_required
def reading_history(request: HttpRequest) -> HttpResponse:
    user = request.user
    page = selectors.reading_history_page(user=user, page=request.GET.get("page"))  # type: ignore[arg-type]
    return render(
        request,
        "reading/history.html",
        {
            "page_obj": page,
            "entries": page.object_list,
            "history_enabled": selectors.reading_history_enabled(user=user),  # type: ignore[arg-type]
        },
    )


@require_POST
@login_required
def history_clear(request: HttpRequest) -> HttpResponse:
    services.reading_history_clear(user=request.user)  # type: ignore[arg-type]
    messages.success(request, "Your reading history has been cleared.")
    return _back(request, reverse("reading:history"))


@require_POST
@login_required
def history_setting(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("history") == "on"
    services.reading_history_set_enabled(user=request.user, enabled=enabled)  # type: ignore[arg-type]
    if enabled:
        messages.success(request, "Reading history is on: the essays you read will be listed for 90 days.")
    else:
        messages.success(request, "Reading history is off, and what it held has been deleted.")
    return _back(request, reverse("accounts:overview"))
