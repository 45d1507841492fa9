from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse

from redink.core.clients import client_ip
from redink.core.links import site_url, site_url_for
from redink.privacy.services import terms_accept

from .limits import login_pauses_lift
from .services import signup_profile_fill

# Links allauth builds from the request's host before handing them to an e-mail's template.
_EMAIL_LINKS = ("activate_url", "password_reset_url", "signup_url")


@dataclass(frozen=True)
class EmailSite:
    """What allauth's e-mail templates call `current_site`: the site's own name and address,
    never the host a request happened to name."""

    name: str
    domain: str


def email_site() -> EmailSite:
    return EmailSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Redink's account rules on top of allauth's."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """The one client address every limit uses (redink.core.clients)."""
        return client_ip(request) or "0.0.0.0"  # noqa: S104 - a name for "no address", never bound

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth calls this for each of the account's addresses once a password reset is
        complete: the login pauses of the account are lifted with allauth's own counts."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        if credentials.get("email"):
            login_pauses_lift(email=str(credentials["email"]))

    def save_user(
        self, request: HttpRequest, user: AbstractBaseUser, form: BaseForm, commit: bool = True
    ) -> AbstractBaseUser:
        """A new account with the profile chosen at sign-up, and the terms it accepted."""
        data = form.cleaned_data
        if "display_name" in data:
            signup_profile_fill(user=user, display_name=data["display_name"], birth_year=data["birth_year"])  # type: ignore[arg-type]
        user = super().save_user(request, user, form, commit=commit)
        if commit and data.get("accept_terms"):
            terms_accept(user=user)
        return user

    # E-mails: the site's name and every link on SITE_URL, whether sent in a request or not.

    def get_email_confirmation_url(self, request: HttpRequest | None, emailconfirmation: Any) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own way of putting its opaque key into the address (uidb36 "-" key).
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        ctx: dict[str, Any] = {
            "request": allauth_context.request,
            "email": email,
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
            "home_url": site_url("/"),
            "login_url": site_url(reverse("account_login")),
            "password_reset_url": site_url(reverse("account_reset_password")),
            "contact_url": site_url(reverse("contact")),
            **context,
            "current_site": email_site(),
        }
        for key in _EMAIL_LINKS:
            if ctx.get(key):
                ctx[key] = site_url_for(str(ctx[key]))
        self.render_mail(template_prefix, email, ctx).send()
