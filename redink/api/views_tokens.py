"""The account page's personal access tokens: list, create (shown once), revoke.

A new token's text is put in the page that answers the form and nowhere else: not in the
session, not in a message, not in a log. The answer is `no-store`, so neither the browser's
history nor a cache keeps it; reloading the page asks to send the form again (which would
make another token, never show the old one).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from .models import ApiToken
from .tokens import DEFAULT_DAYS, MAX_DAYS, MAX_USABLE_TOKENS, NAME_MAX_LENGTH, TokenRefused, token_create, token_revoke
from .tokens import tokens_of as tokens_list


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="What you will use it for, so you can tell your tokens apart, e.g. “Revision app on my phone”.",
        error_messages={"required": "Give the token a name, so you can tell it apart later."},
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=[
            (ApiToken.Scope.READ, "Read: essays as you may read them, your reading list and your uploads' statuses"),
            (ApiToken.Scope.READ_WRITE, "Read, and change your reading list (save and remove essays, edit notes)"),
        ],
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the token may do."},
    )
    days = forms.IntegerField(
        label="Expires after (days)",
        initial=DEFAULT_DAYS,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=f"From 1 to {MAX_DAYS} days. When it expires, make a new one.",
        error_messages={
            "required": f"Say after how many days the token expires (1 to {MAX_DAYS}).",
            "invalid": f"Type a whole number of days, from 1 to {MAX_DAYS}.",
            "min_value": f"A token lasts at least 1 day (and at most {MAX_DAYS}).",
            "max_value": f"A token lasts at most {MAX_DAYS} days.",
        },
    )


def _list_page(request: HttpRequest, form: TokenForm, *, status: int = 200) -> HttpResponse:
    tokens = tokens_list(user=request.user)
    usable = sum(1 for t in tokens if t.is_usable)
    context: dict[str, Any] = {
        "form": form,
        "tokens": tokens,
        "usable_count": usable,
        "at_limit": usable >= MAX_USABLE_TOKENS,
        "max_tokens": MAX_USABLE_TOKENS,
    }
    return render(request, "api/tokens.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The list of the user's tokens and the form for a new one; a valid form makes the token
    and answers with the page that shows it, once."""
    if request.method != "POST":
        return _list_page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        created = token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
    except TokenRefused as refused:
        form.add_error(None, str(refused))
        return _list_page(request, form, status=400)
    response = render(request, "api/tokens_created.html", {"record": created.record, "token": created.token})
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def token_revoke_confirm(request: HttpRequest, token_id: int) -> HttpResponse:
    """Ask, then revoke: apps using the token stop working at once."""
    user: Any = request.user  # signed in (login_required)
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No token of yours has that number.")
    if request.method != "POST":
        return render(request, "api/tokens_revoke.html", {"record": token})
    token_revoke(user=user, token_id=token.pk)
    messages.success(request, f"Token “{token.name}” revoked: apps using it can no longer reach your account.")
    return redirect("api-tokens:list")
