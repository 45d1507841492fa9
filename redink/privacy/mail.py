"""E-mails a user may turn off: whether one may go, its one-click unsubscribe link (RFC 8058),
and the sending itself.

Every sender of such an e-mail (upload decisions, takedown answers, reviews of an author's
essay, membership) goes through `preference_mail_send`, or asks `mail_allowed` and adds
`unsubscribe_headers` itself. Account-security e-mails (allauth's) never come here.

The link carries a signed token naming the user and the kind, so it works while signed out and
cannot be turned into another user's or another kind's link.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse

from redink.core.links import site_url

from .models import EmailKind, EmailPreference

_SALT = "redink.privacy.unsubscribe"


class BadUnsubscribeToken(Exception):
    """The token was altered, cut short, or names a user or kind that no longer exists."""


def mail_allowed(*, user: Any, kind: str) -> bool:
    """Whether `user` still receives e-mails of `kind` (yes unless they turned it off)."""
    if kind not in EmailKind.values:
        raise ValueError(f"Unknown kind of e-mail {kind!r}")
    if user is None or user.pk is None:
        return True
    return not EmailPreference.objects.filter(user=user, kind=kind, enabled=False).exists()


def email_preferences(*, user: Any) -> dict[str, bool]:
    """Every kind, in order, with whether `user` receives it."""
    off = set(EmailPreference.objects.filter(user=user, enabled=False).values_list("kind", flat=True))
    return {kind: kind not in off for kind in EmailKind.values}


def unsubscribe_token(*, user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=_SALT)


def unsubscribe_token_read(token: str) -> tuple[Any, str]:
    """The user and kind a token names; BadUnsubscribeToken for anything else."""
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature as error:
        raise BadUnsubscribeToken from error
    if (
        not isinstance(payload, dict)
        or payload.get("k") not in EmailKind.values
        or not isinstance(payload.get("u"), int)
    ):
        raise BadUnsubscribeToken
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        raise BadUnsubscribeToken
    return user, payload["k"]


def unsubscribe_url(*, user: Any, kind: str) -> str:
    return site_url(reverse("privacy:unsubscribe", args=[unsubscribe_token(user=user, kind=kind)]))


def unsubscribe_headers(*, user: Any, kind: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the URL."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user=user, kind=kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def user_for_address(email: str) -> Any:
    """The active account an address belongs to, if any (takedown requests name an address, not an account)."""
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).order_by("pk").first()


def preference_mail_send(*, user: Any, kind: str, subject: str, body: str, to: str) -> bool:
    """Send one e-mail of `kind` to `to` unless `user` turned that kind off; with the unsubscribe
    headers and a line saying how to stop them when there is a user. True if it was sent."""
    if not to or not mail_allowed(user=user, kind=kind):
        return False
    headers: dict[str, str] = {}
    if user is not None and user.pk is not None:
        headers = unsubscribe_headers(user=user, kind=kind)
        body = (
            f"{body.rstrip()}\n\n--\n"
            f"To stop e-mails like this one: {unsubscribe_url(user=user, kind=kind)}\n"
            f"To choose which e-mails you get: {site_url(reverse('accounts:overview'))}#email-preferences\n"
        )
    EmailMessage(subject, body, None, [to], headers=headers).send()
    return True
