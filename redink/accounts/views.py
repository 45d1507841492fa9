from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from redink.billing import csp
from redink.billing.gateway import billing_mode
from redink.catalogue.models import Essay
from redink.core.ratelimit import Rate, limit_check, limit_consume, wait_phrase

from . import ages
from .avatars import MAX_BYTES, AvatarRefused, avatar_remove, avatar_set
from .deletion import DeletionRefused, account_delete, account_deletion_refusal
from .deletion_forms import AccountDeleteForm
from .forms import AvatarForm, ProfileForm
from .selectors import account_access, author_find, author_page
from .services import display_name_change, profile_visibility_set


@require_safe
@login_required
@csp_update(csp.PORTAL_PAGE)
def overview(request: HttpRequest) -> HttpResponse:
    """The account page: who you are, your membership, and links to change e-mail and password."""
    context = {
        "access": account_access(user=request.user),
        "test_mode": billing_mode() == "test",
        "contribution_days": settings.REDINK_CONTRIBUTION_DAYS,
    }
    return render(request, "account/overview.html", context)


def _profile_page(
    request: HttpRequest, *, profile_form: ProfileForm | None = None, avatar_form: AvatarForm | None = None
) -> HttpResponse:
    user: Any = request.user
    context = {
        "profile_form": profile_form
        or ProfileForm(user=user, initial={"display_name": user.display_name, "profile_public": user.profile_public}),
        "avatar_form": avatar_form or AvatarForm(),
        "author_page_url": user.author_page_url,
    }
    status = 200 if profile_form is None and avatar_form is None else 400
    return render(request, "accounts/profile.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own profile, and only theirs: no id is ever read from the request."""
    if request.method != "POST":
        return _profile_page(request)
    user: Any = request.user
    form = ProfileForm(request.POST, user=user)
    if not form.is_valid():
        return _profile_page(request, profile_form=form)
    display_name_change(user=user, name=form.cleaned_data["display_name"])
    profile_visibility_set(user=user, public=form.cleaned_data["profile_public"])
    messages.success(request, "Your profile is saved.")
    return redirect("accounts:profile")


@require_POST
@login_required
def avatar_upload(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = AvatarForm(request.POST, request.FILES)
    if getattr(request, "refused_upload", None) is not None:
        form.add_error(None, f"That picture is over {MAX_BYTES // (1024 * 1024)} MB. Please choose a smaller one.")
        return _profile_page(request, avatar_form=form)
    if form.is_valid():
        try:
            avatar_set(user=user, upload=form.cleaned_data["avatar"])
        except AvatarRefused as refused:
            form.add_error("avatar", str(refused))
        else:
            messages.success(request, "Your new picture is saved.")
            return redirect("accounts:profile")
    return _profile_page(request, avatar_form=form)


@require_POST
@login_required
def avatar_delete(request: HttpRequest) -> HttpResponse:
    avatar_remove(user=request.user)  # type: ignore[arg-type]
    messages.success(request, "Your picture is removed: your essays show your initials instead.")
    return redirect("accounts:profile")


@require_safe
def author(request: HttpRequest, name: str) -> HttpResponse:
    """An author's public page; 404 while it is private (or the name is nobody's)."""
    found = author_find(name=name)
    if found.author is None:
        raise Http404("No such author page.")
    if found.redirect_to:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(found.redirect_to + (f"?{query}" if query else ""))
    page = author_page(author=found.author, page=request.GET.get("page"), per_page=settings.REDINK_PAGE_SIZE)
    context = {
        "author_page": page,
        "author": found.author,
        "page_obj": page.essays,
        # Search engines may list the pages of authors certainly 16 or over, and no others.
        "indexable": ages.public_by_default(birth_year=found.author.birth_year),
    }
    return render(request, "accounts/author.html", context)


# --- Delete my account ------------------------------------------------------------------------

GOODBYE_SESSION_KEY = "redink_goodbye"


def _deletion_rate() -> Rate:
    return Rate(settings.REDINK_LOGIN_FAILURES_PER_ACCOUNT, settings.REDINK_LOGIN_WINDOW_SECONDS)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Confirm with the password, choose what happens to the essays, and delete the account."""
    user: Any = request.user
    refusal = account_deletion_refusal(user=user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    context: dict[str, Any] = {
        "form": form,
        "refusal": refusal,
        "has_password": user.has_usable_password(),
        "published_count": Essay.objects.filter(author=user, status=Essay.Status.PUBLISHED).count(),
    }
    if request.method != "POST":
        return render(request, "account/delete_confirm.html", context)
    if refusal or not context["has_password"]:
        return render(request, "account/delete_confirm.html", context, status=403)
    ident = str(user.pk)
    verdict = limit_check(scope="account-delete", ident=ident, rate=_deletion_rate())
    if not verdict.allowed:
        context["wait"] = wait_phrase(verdict.retry_after)
        response = render(request, "account/delete_confirm.html", context, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    if not form.is_valid():
        if form.has_error("password", code="wrong_password"):
            limit_consume(scope="account-delete", ident=ident, rate=_deletion_rate())
        return render(request, "account/delete_confirm.html", context, status=400)
    try:
        log = account_delete(user=user, essays=form.cleaned_data["essays"])
    except DeletionRefused as refused:
        form.add_error(None, str(refused))
        return render(request, "account/delete_confirm.html", context, status=409)
    auth_logout(request)
    request.session[GOODBYE_SESSION_KEY] = log.token
    return redirect("accounts:deleted")


@require_safe
def account_deleted(request: HttpRequest) -> HttpResponse:
    """The goodbye page, once, with the deletion's token; anyone else is sent home."""
    token = request.session.pop(GOODBYE_SESSION_KEY, "") if GOODBYE_SESSION_KEY in request.session else ""
    if not token:
        return redirect("/")
    response = render(request, "account/deleted.html", {"token": token})
    response["Cache-Control"] = "no-store, private"
    return response
