"""The form that confirms "Delete my account": what happens to the essays, and the password."""

from __future__ import annotations

from typing import Any

from django import forms

ESSAY_OPTIONS = [
    ("withdraw", "Withdraw them: they leave the library, and their pages say they are no longer available."),
    ("keep", "Keep them published, under the name “Former contributor”, so others can still read them."),
]


class AccountDeleteForm(forms.Form):
    essays = forms.ChoiceField(
        label="Your published essays",
        choices=ESSAY_OPTIONS,
        initial="withdraw",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose what happens to your published essays.",
            "invalid_choice": "Please choose one of the two options for your published essays.",
        },
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Please type your password to confirm."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data.get("password") or "")
        if len(password) > 4096 or not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing has been deleted.", code="wrong_password")
        return password
