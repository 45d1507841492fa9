from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from redink.catalogue.models import Section
from redink.core.text import validate_title

from .extract import ACCEPT_ATTRIBUTE, ExtractionError, check_length, claimed_format, messages
from .extract.base import human_size
from .models import Submission, TakedownRequest
from .services.processing import pasted_text

MAX_PASTE_CHARACTERS = 400_000


class GroupedSections(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list[Any]] = {}
        for section in self.queryset:
            label = f"{section.subject.level.name} \u203a {section.subject.name}"
            groups.setdefault(label, []).append(self.choice(section))
        yield from groups.items()


class SectionChoiceField(forms.ModelChoiceField):
    """Sections grouped by level and subject, as the catalogue arranges them."""

    iterator = GroupedSections

    def __init__(self, **kwargs: Any) -> None:
        queryset = Section.objects.select_related("subject__level").order_by(
            "subject__level__position", "subject__level__name", "subject__name", "name"
        )
        super().__init__(queryset=queryset, empty_label="Choose a section…", **kwargs)


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1950,
        max_value=timezone.now().year + 1,
        help_text="The year it was written or marked.",
    )


class EssayDetailsForm(forms.Form):
    title = forms.CharField(max_length=250, validators=[validate_title])
    section = SectionChoiceField(label="Level, subject and section")
    exam_board = forms.CharField(max_length=60, required=False, help_text="For example AQA, Edexcel, OCR, IB.")
    year = _year_field()
    grade = forms.CharField(max_length=20, required=False, help_text="The grade or mark it received, if any.")


class UploadForm(EssayDetailsForm):
    """Refuses at once what can be judged before anything is stored, in the words processing
    uses: a type of file we do not take, an empty file, pasted text too short or too long. The
    page's script (static/js/upload.js) checks a chosen file's type and size before it is sent,
    from the limit and the words this form puts on the file input."""

    file = forms.FileField(
        required=False,
        label="Your file",
        error_messages={"empty": messages.empty().message},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    text = forms.CharField(
        required=False,
        label="Or paste your text",
        max_length=MAX_PASTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    declaration = forms.BooleanField(label="This essay is my own work, and I may share it.")
    licence = forms.BooleanField(label="I grant the contributor licence above.")

    def __init__(self, *args: Any, refused_upload: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A file the upload handler refused as it arrived (uploadlimit.py): it never reached us.
        self.refused_upload = refused_upload
        limit = settings.REDINK_UPLOAD_MAX_BYTES
        field = self.fields["file"]
        field.help_text = f"{messages.ACCEPTED}, up to {human_size(limit)}"
        field.widget.attrs.update(
            {
                "data-max-bytes": str(limit),
                "data-too-big": messages.too_big_words(size="{size}", limit=human_size(limit)),
                "data-unsupported": messages.unsupported(extension="{extension}").message,
                "data-no-extension": messages.unsupported(extension="").message,
            }
        )

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if file:
            extension, claimed = claimed_format(file.name or "")
            if not claimed:
                raise forms.ValidationError(messages.unsupported(extension=extension).message)
        return file

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.refused_upload is not None:
            name = self.refused_upload.file_name or "The file"
            self.add_error(
                "file",
                f"“{name}” is over the {human_size(self.refused_upload.limit)} limit, so we stopped receiving it and "
                "kept nothing of it. An essay's text fits in far less: remove pictures, save it as .docx or PDF "
                "without embedded media, or paste the text instead.",
            )
            return data
        if "file" in self.errors:
            return data
        has_file, has_text = bool(data.get("file")), bool((data.get("text") or "").strip())
        if has_file == has_text:
            raise forms.ValidationError("Choose a file, or paste your text: one of the two.")
        if has_text and not has_file:
            words = len(pasted_text(text=data["text"], title=data.get("title") or "").split())
            try:
                check_length(
                    words=words, minimum=settings.REDINK_ESSAY_MIN_WORDS, maximum=settings.REDINK_ESSAY_MAX_WORDS
                )
            except ExtractionError as problem:
                self.add_error("text", problem.message)
        return data


class RejectForm(forms.Form):
    reason = forms.ChoiceField(choices=[("", "Choose a reason…"), *Submission.RejectionReason.choices])
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to the contributor with the reason.",
    )


class QueueFilterForm(forms.Form):
    STATUSES = [("", "All"), *Submission.Status.choices]
    SOURCES = [("", "Any"), *Submission.Source.choices]

    status = forms.ChoiceField(choices=STATUSES, required=False)
    flagged = forms.BooleanField(required=False, label="Flagged only")
    source = forms.ChoiceField(choices=SOURCES, required=False)
    level = forms.CharField(required=False)
    q = forms.CharField(required=False, max_length=100, label="Title contains")


class CheckForm(forms.Form):
    text = forms.CharField(
        label="Your draft",
        max_length=MAX_PASTE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        words = len(text.split())
        if words < 30:
            raise forms.ValidationError(f"Paste at least 30 words of your draft (this has {words}).")
        if words > settings.REDINK_ESSAY_MAX_WORDS:
            limit = settings.REDINK_ESSAY_MAX_WORDS
            raise forms.ValidationError(f"Paste at most {limit:,} words (this has {words:,}).")
        return text


class TakedownForm(forms.ModelForm):
    original_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        label="Where the original work is",
        help_text="A link to the original, if it is online.",
    )
    good_faith = forms.BooleanField(
        label="I believe in good faith that this essay uses my work (or work I act for) without permission, "
        "and what I have written is accurate."
    )

    class Meta:
        model = TakedownRequest
        fields = ("name", "email", "claim", "original_url")
        labels = {"name": "Your name", "email": "Your e-mail address", "claim": "What is wrong"}
        help_texts = {"claim": "Say whose work it is, which parts of the essay copy it, and how to check."}
        widgets = {"claim": forms.Textarea(attrs={"rows": 6})}


class TakedownAnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Answer to the requester")


class TakedownWithdrawForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note to the requester",
    )
