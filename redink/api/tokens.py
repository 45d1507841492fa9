"""Personal access tokens: make one (its text is returned once), find one, revoke one.

    token_create(*, user, name, scope, days) -> CreatedToken     .token is the only copy of the text
    token_lookup(text) -> ApiToken | None                        usable tokens only, owner active
    token_for_request(request) -> PresentedToken                 what the Authorization header holds
    token_touch(*, token)                                        last_used_at, at most once a minute
    token_revoke(*, user, token_id) -> ApiToken | None

A token is "rdk_" and 43 characters of URL-safe base64 (256 random bits). The prefix lets people
and secret scanners recognise a Redink token pasted where it should not be. Only the SHA-256 of
the whole text is stored: with that much entropy a slow hash buys nothing, and a fast one lets
every API request be checked with one indexed query.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import router, transaction
from django.http import HttpRequest
from django.utils import timezone

from redink.accounts.models import User

from .models import ApiToken

PREFIX = "rdk_"
TOKEN_PATTERN = re.compile(r"^rdk_[A-Za-z0-9_-]{43}$")
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_USABLE_TOKENS = 20  # per account: plenty for one person's apps, and a bound on the list
NAME_MAX_LENGTH = 100
TOUCH_EVERY = timedelta(minutes=1)


class TokenRefused(ValueError):
    """The token cannot be made; the message says why, in words for the account page."""


@dataclass(frozen=True)
class CreatedToken:
    record: ApiToken
    token: str  # the token's text: shown to its owner once, and kept nowhere


@dataclass(frozen=True)
class PresentedToken:
    """What a request's Authorization header held: nothing, a token, or something refused."""

    present: bool
    token: ApiToken | None = None
    problem: str = ""


NO_TOKEN = PresentedToken(present=False)


def token_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def token_create(*, user: Any, name: str, scope: str, days: int = DEFAULT_DAYS) -> CreatedToken:
    """A new token for `user`; raises TokenRefused for a bad name, scope or expiry."""
    name = " ".join(name.split())
    if not name:
        raise TokenRefused("Give the token a name, so you can tell it apart later.")
    if len(name) > NAME_MAX_LENGTH:
        raise TokenRefused(f"A token's name can be at most {NAME_MAX_LENGTH} characters long.")
    if scope not in ApiToken.Scope.values:
        raise TokenRefused("Choose what the token may do: read, or read and write your reading list.")
    if not 1 <= days <= MAX_DAYS:
        raise TokenRefused(f"A token expires after 1 to {MAX_DAYS} days.")
    with transaction.atomic():
        # Counted under the user's row lock, so two requests at once cannot pass the limit together.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if ApiToken.objects.usable().filter(user=user).count() >= MAX_USABLE_TOKENS:
            raise TokenRefused(
                f"You already have {MAX_USABLE_TOKENS} tokens in use. Revoke one you no longer need first."
            )
        text = PREFIX + secrets.token_urlsafe(32)
        now = timezone.now()
        record = ApiToken.objects.create(
            user=user,
            name=name,
            scope=scope,
            token_hash=token_hash(text),
            hint=text[-4:],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    return CreatedToken(record=record, token=text)


def token_lookup(text: str) -> ApiToken | None:
    """The usable token whose text this is, with its active owner; None for anything else.

    Read from the primary database, never a replica: a token revoked a moment ago must stop
    working at once, and one made a moment ago must work at once."""
    if not TOKEN_PATTERN.match(text):
        return None
    digest = token_hash(text)
    alias = router.db_for_write(ApiToken)
    found = (
        ApiToken.objects.using(alias)
        .usable()
        .filter(token_hash=digest, user__is_active=True)
        .select_related("user")
        .first()
    )
    # The query matched on the hash already; comparing again in constant time costs nothing and
    # keeps the check honest should the lookup ever change (say, to a prefix index).
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        return None
    return found


def token_for_request(request: HttpRequest) -> PresentedToken:
    """The token in `Authorization: Bearer …`, looked up once per request (the rate limit and
    the authentication both ask). A header that is there but does not hold a usable token is
    `present` with a `problem`: it is refused, never taken for an anonymous caller."""
    cached: PresentedToken | None = getattr(request, "_redink_api_token", None)
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "")
    if not header.strip():
        result = NO_TOKEN
    else:
        scheme, _, text = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not text.strip():
            result = PresentedToken(present=True, problem="Send the token as: Authorization: Bearer rdk_…")
        else:
            token = token_lookup(text.strip())
            if token is None:
                result = PresentedToken(
                    present=True, problem="This token is not valid: it may have expired or been revoked."
                )
            else:
                result = PresentedToken(present=True, token=token)
    request._redink_api_token = result  # type: ignore[attr-defined]
    return result


def token_touch(*, token: ApiToken) -> None:
    """Record that the token was used, writing at most once a minute per token."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def token_revoke(*, user: Any, token_id: int) -> ApiToken | None:
    """Revoke one of `user`'s own tokens (None when it is not theirs); revoking twice is harmless."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        return None
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_of(*, user: Any) -> list[ApiToken]:
    """The account page's list: usable tokens first, newest first, then the ended ones."""
    tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
    return sorted(tokens, key=lambda t: not t.is_usable)
