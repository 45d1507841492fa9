"""The essay's change form in the admin: staff type titles too, under the same rule as
contributors (no invisible or direction-changing characters, see redink/core/text.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from redink.core.text import validate_title

from .models import Essay


class EssayAdminForm(forms.ModelForm):
    class Meta:
        model = Essay
        fields = (  # those of EssayAdmin.fieldsets; the admin narrows the form to them
            "title",
            "slug",
            "author",
            "section",
            "status",
            "published_at",
            "body",
            "preview_style",
            "exam_board",
            "year",
            "grade",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        title = self.fields.get("title")
        if title is not None:
            title.validators.append(validate_title)
