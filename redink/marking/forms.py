"""Forms for teacher applications: the application itself, the moderators' decision, and the
filter of the Mark essays list. (Review forms live in review_forms.py.)"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings

from redink.catalogue.models import Subject
from redink.submissions.extract.base import human_size

from .models import TeacherApplication
from .selectors import LevelSubjects, subjects_grouped

# --- The application ---------------------------------------------------------------------------

# What evidence may be: a PDF, a photo or scan, or a document. The extension is only a claim;
# the file's first bytes must agree with it.
EVIDENCE_KINDS = {
    "pdf": ("pdf",),
    "jpg": ("jpeg",),
    "jpeg": ("jpeg",),
    "png": ("png",),
    "gif": ("gif",),
    "webp": ("webp",),
    "heic": ("heic",),
    "doc": ("ole",),
    "docx": ("zip",),
    "odt": ("zip",),
    "rtf": ("rtf",),
}
EVIDENCE_ACCEPT = ",".join(f".{extension}" for extension in EVIDENCE_KINDS)
EVIDENCE_WORDS = "a PDF, a photo or scan (JPEG, PNG, WebP, HEIC) or a document (Word, OpenDocument, RTF)"


_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),  # .docx and .odt are zip archives
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # .doc
    (b"{\\rtf", "rtf"),
)


def evidence_kind(head: bytes) -> str:
    """What a file's first bytes say it is ("" when they match none of the kinds we take)."""
    if b"%PDF-" in head[:1024]:  # readers look for the header in the first kilobyte
        return "pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return "heic"
    return next((kind for signature, kind in _SIGNATURES if head.startswith(signature)), "")


class SubjectsField(forms.ModelMultipleChoiceField):
    """Checkboxes of the catalogue's subjects; the template groups them by level."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        queryset = Subject.objects.select_related("level").order_by("level__position", "level__name", "name")
        super().__init__(queryset=queryset, **kwargs)

    def label_from_instance(self, obj: Subject) -> str:
        return obj.name


class ApplicationForm(forms.Form):
    institution = forms.CharField(
        label="School or institution",
        max_length=200,
        help_text="Where you teach now, or taught most recently, and its town.",
        error_messages={"required": "Say where you teach, or taught most recently."},
    )
    subjects = SubjectsField(
        label="Subjects and levels you teach",
        help_text="Choose every subject you teach, at each level. You will mark essays in these.",
        error_messages={"required": "Choose at least one subject you teach."},
    )
    qualification = forms.CharField(
        label="Teaching qualification",
        max_length=200,
        help_text="For example: PGCE and QTS, 2016; or a degree and years of teaching.",
        error_messages={"required": "Give your teaching qualification, or the experience that stands for one."},
    )
    experience = forms.CharField(
        label="Anything else",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: exam boards you mark for, years of experience, a page about you on your school's website.",
    )
    evidence = forms.FileField(
        label="Evidence",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
        error_messages={"empty": "That file is empty. Choose the file again, or leave this out."},
    )

    def __init__(self, *args: Any, refused_upload: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A file the upload handler refused while it arrived (over the site's upload limit).
        self.refused_upload = refused_upload
        limit = human_size(settings.REDINK_UPLOAD_MAX_BYTES)
        self.fields["evidence"].help_text = (
            f"A staff card, a letter from your school or a certificate: {EVIDENCE_WORDS}, up to {limit}. "
            "Only moderators see it."
        )

    def subject_groups(self) -> list[tuple[LevelSubjects, list[Any]]]:
        """Each level with the checkboxes of its subjects, for the template."""
        field: Any = self["subjects"]
        by_value = {str(option.data["value"]): option for option in field}
        queryset: Any = self.fields["subjects"].queryset  # type: ignore[attr-defined]
        return [
            (group, [by_value[str(subject.pk)] for subject in group.subjects if str(subject.pk) in by_value])
            for group in subjects_grouped(subjects=queryset)
        ]

    def clean_institution(self) -> str:
        return " ".join(self.cleaned_data["institution"].split())

    def clean_qualification(self) -> str:
        return " ".join(self.cleaned_data["qualification"].split())

    def clean_evidence(self) -> Any:
        if self.refused_upload is not None:
            name = self.refused_upload.file_name or "The file"
            raise forms.ValidationError(
                f"“{name}” is over the {human_size(self.refused_upload.limit)} limit, so we kept nothing of it. "
                "A photo or a scan saved at a lower resolution, or a PDF, is small enough."
            )
        file = self.cleaned_data.get("evidence")
        if not file:
            return file
        name = PurePath(file.name or "").name
        if file.size > settings.REDINK_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"“{name}” is {human_size(file.size)}, over the {human_size(settings.REDINK_UPLOAD_MAX_BYTES)} limit."
            )
        extension = PurePath(name).suffix.lower().lstrip(".")
        kinds = EVIDENCE_KINDS.get(extension)
        if kinds is None:
            raise forms.ValidationError(f"We do not take “{name}” as evidence. Choose {EVIDENCE_WORDS}.")
        head = file.read(4096)
        file.seek(0)
        if evidence_kind(head) not in kinds:
            raise forms.ValidationError(
                f"“{name}” is not the kind of file its name says. Choose {EVIDENCE_WORDS}, keeping its own extension."
            )
        return file


# --- The moderators' decision --------------------------------------------------------------------


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="Note for the log",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How you checked, for other moderators. Not sent to the applicant.",
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason to decline",
        choices=[("", "Choose a reason…"), *TeacherApplication.DeclineReason.choices],
        error_messages={"required": "Choose the reason the applicant is told."},
    )
    note = forms.CharField(
        label="Note to the applicant",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent with the reason. Needed for “Another reason”.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("reason") == TeacherApplication.DeclineReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", "Say what the other reason is: the applicant is told it.")
        return data


# --- The Mark essays list -------------------------------------------------------------------------


class MarkFilterForm(forms.Form):
    subject = forms.TypedChoiceField(label="Subject", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, groups: list[LevelSubjects], every_subject: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [  # type: ignore[attr-defined]
            ("", "All subjects" if every_subject else "All your subjects"),
            *[
                (group.level.name, [(s.pk, f"{group.level.name} \u203a {s.name}") for s in group.subjects])
                for group in groups
            ],
        ]
