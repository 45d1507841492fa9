"""allauth's account forms in the site's words: its labels, and no placeholders repeating them
(a placeholder reads as a value already filled in, and is gone once one types); sign-up's own
questions (display name, year of birth, the terms); and the profile page's forms."""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from . import ages
from .avatars import MAX_BYTES
from .names import MAX_LENGTH, display_name_clean, display_name_problems
from .selectors import display_name_taken

DISPLAY_NAME_HELP = (
    f"Shown on your essays and your author page. A pseudonym is fine; {MAX_LENGTH} characters at most. "
    "Please do not use your full real name or your e-mail address."
)


def display_name_field() -> forms.CharField:
    return forms.CharField(
        label="Display name",
        help_text=DISPLAY_NAME_HELP,
        error_messages={"required": "Please choose a display name: it is the name shown on your essays."},
        widget=forms.TextInput(attrs={"maxlength": MAX_LENGTH, "autocomplete": "nickname", "spellcheck": "false"}),
    )


def display_name_checked(value: str, *, user: Any = None) -> str:
    name = display_name_clean(value)
    problems = display_name_problems(name)
    if problems:
        raise forms.ValidationError(problems)
    if display_name_taken(name=name, user=user):
        raise forms.ValidationError(
            "That display name is taken (names count as the same whatever their capitals). Please choose another."
        )
    return name


class SiteWords:
    labels: ClassVar[dict[str, str]] = {}
    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]


NEW_PASSWORD = {"password1": "New password", "password2": "New password again"}


class LoginForm(SiteWords, allauth_forms.LoginForm):
    labels: ClassVar[dict[str, str]] = {"login": "E-mail address", "password": "Password"}


class SignupForm(SiteWords, allauth_forms.SignupForm):
    """Sign-up asks, besides allauth's e-mail and password, for a display name, a year of
    birth (people under REDINK_MINIMUM_AGE are turned away, and nothing of theirs is kept) and
    acceptance of the terms. The adapter stores them (AccountAdapter.save_user)."""

    labels: ClassVar[dict[str, str]] = {
        "email": "E-mail address",
        "password1": "Password",
        "password2": "Password again",
    }
    field_order: ClassVar[list[str]] = [
        "display_name",
        "email",
        "birth_year",
        "password1",
        "password2",
        "accept_terms",
    ]

    display_name = display_name_field()
    birth_year = forms.IntegerField(
        label="Year of birth",
        help_text="Only the year. We ask because Redink is for people aged "
        f"{settings.REDINK_MINIMUM_AGE} and over, and to keep younger authors' pages private.",
        error_messages={
            "required": "Please enter the year you were born, for example 2009.",
            "invalid": "Please enter the year you were born as a number, for example 2009.",
        },
        widget=forms.NumberInput(attrs={"autocomplete": "bday-year", "inputmode": "numeric"}),
    )
    accept_terms = forms.BooleanField(
        label="I accept the terms of use and have read the privacy notice",
        error_messages={"required": "Please accept the terms of use to sign up."},
    )

    def clean_display_name(self) -> str:
        return display_name_checked(self.cleaned_data["display_name"])

    def clean_birth_year(self) -> int:
        year = self.cleaned_data["birth_year"]
        if not ages.OLDEST_YEAR <= year <= ages.this_year():
            raise forms.ValidationError("Please enter the year you were born, for example 2009.")
        if not ages.old_enough(birth_year=year):
            minimum = settings.REDINK_MINIMUM_AGE
            raise forms.ValidationError(
                f"Sorry, you need to be at least {minimum} to have an account on Redink, so we cannot sign you "
                f"up yet: you are welcome to join from 1 January {year + minimum + 1}. We have not stored "
                "anything you entered. Until then you can still read the free preview of every essay.",
                code="too_young",
            )
        return year

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        """allauth answers a sign-up with an address that already has an account with the usual
        "check your inbox" page and an e-mail to its owner. A real sign-up hashes the password,
        which takes a noticeable time with Argon2, so the taken address's password is hashed too
        (and thrown away): otherwise the answer's speed would say which addresses have accounts."""
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


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


class ProfileForm(forms.Form):
    """The profile page's details: display name and whether the author page is public."""

    display_name = display_name_field()
    profile_public = forms.BooleanField(
        label="Show my public author page",
        required=False,
        help_text="A page listing the essays of yours we have published, under your display name. "
        "It never shows your e-mail address, school or real name. When it is off, your essays "
        "still show your display name, without a link.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_display_name(self) -> str:
        return display_name_checked(self.cleaned_data["display_name"], user=self.user)


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label="Picture",
        help_text=f"PNG, JPEG or WebP, up to {MAX_BYTES // (1024 * 1024)} MB. We make it a 256 px square "
        "from its middle and remove everything but the picture itself (such as where a photo was taken).",
        error_messages={"required": "Please choose a picture to upload.", "empty": "That file is empty."},
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
