"""allauth's account forms in the site's words: its labels, and no placeholders repeating them
(a placeholder reads as a value already filled in, and is gone once one types)."""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account import forms as allauth_forms


class SiteWords:
    labels: ClassVar[dict[str, str]] = {}
    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]


NEW_PASSWORD = {"password1": "New password", "password2": "New password again"}


class LoginForm(SiteWords, allauth_forms.LoginForm):
    labels: ClassVar[dict[str, str]] = {"login": "E-mail address", "password": "Password"}


class SignupForm(SiteWords, allauth_forms.SignupForm):
    labels: ClassVar[dict[str, str]] = {
        "email": "E-mail address",
        "password1": "Password",
        "password2": "Password again",
    }


class ResetPasswordForm(SiteWords, allauth_forms.ResetPasswordForm):
    labels: ClassVar[dict[str, str]] = {"email": "E-mail address"}


class ResetPasswordKeyForm(SiteWords, allauth_forms.ResetPasswordKeyForm):
    labels: ClassVar[dict[str, str]] = NEW_PASSWORD


class ChangePasswordForm(SiteWords, allauth_forms.ChangePasswordForm):
    labels: ClassVar[dict[str, str]] = {"oldpassword": "Current password", **NEW_PASSWORD}


class SetPasswordForm(SiteWords, allauth_forms.SetPasswordForm):
    labels: ClassVar[dict[str, str]] = {"password1": "Password", "password2": "Password again"}


class AddEmailForm(SiteWords, allauth_forms.AddEmailForm):
    """The e-mail page's form: with ACCOUNT_CHANGE_EMAIL its address replaces the current one."""

    labels: ClassVar[dict[str, str]] = {"email": "New e-mail address"}


class ReauthenticateForm(SiteWords, allauth_forms.ReauthenticateForm):
    labels: ClassVar[dict[str, str]] = {"password": "Password"}
