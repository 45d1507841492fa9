"""The review form: stars, the two feedback texts, an optional overall mark, and a mark for each
assessment objective of the essay's subject with an optional total that replaces their sum.

The form only parses what was typed; the rules (marks within their objective, the total within
the objectives' marks, who may review) are `services.review_save`'s, and its errors are put back
under the fields they name (`add_service_errors`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import AssessmentObjective, BankComment, Review
from .services import ReviewInput

FEEDBACK_MAX_CHARACTERS = 5000

STAR_WORDS = {1: "weak", 2: "fair", 3: "good", 4: "very good", 5: "excellent"}


def mark_field_name(objective: AssessmentObjective) -> str:
    return f"mark_{objective.pk}"


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(
        label="Stars",
        coerce=int,
        choices=[(n, f"{n} star{'s' if n > 1 else ''} ({STAR_WORDS[n]})") for n in range(1, 6)],
        widget=forms.RadioSelect,
        error_messages={"required": "Give between 1 and 5 stars.", "invalid_choice": "Give between 1 and 5 stars."},
    )
    strengths = forms.CharField(
        label="What this essay does well",
        max_length=FEEDBACK_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        error_messages={"required": "Say what this essay does well."},
        help_text="Plain text; leave a blank line between paragraphs.",
    )
    next_steps = forms.CharField(
        label="What would lift it to the next grade",
        max_length=FEEDBACK_MAX_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        error_messages={"required": "Say what would lift it to the next grade."},
        help_text="Ideas and feedback the writer, and every reader, can use in their own work.",
    )
    overall = forms.CharField(
        label="Overall mark or grade",
        max_length=40,
        required=False,
        help_text="For example 7, A or 26/34.",
    )

    def __init__(self, *args: Any, objectives: Sequence[AssessmentObjective] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = list(objectives)
        self.most = sum(o.max_marks for o in self.objectives)
        self.fields["strengths"].widget.attrs["data-bank-target"] = "strengths"
        self.fields["next_steps"].widget.attrs["data-bank-target"] = "next_steps"
        for objective in self.objectives:
            out_of = f"{objective.code} is out of {objective.max_marks}."  # as the service says it
            self.fields[mark_field_name(objective)] = forms.IntegerField(
                label=f"{objective.code} marks",
                required=False,
                min_value=0,
                max_value=objective.max_marks,
                # Rendered beside the input; Django points the input's aria-describedby at it.
                help_text=f"out of {objective.max_marks}",
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "class": "mark-input", "data-max": objective.max_marks}
                ),
                error_messages={
                    "invalid": f"Give {objective.code} a whole number of marks, 0 to {objective.max_marks}.",
                    "min_value": out_of,
                    "max_value": out_of,
                },
            )
        if self.objectives:
            out_of = f"The total is out of {self.most}."
            self.fields["total_override"] = forms.IntegerField(
                label="Total, if it is not the sum of the marks",
                required=False,
                min_value=0,
                max_value=self.most,
                help_text=f"Leave it empty to use the sum of the marks above; the total is out of {self.most}.",
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": "Give the total as a whole number.",
                    "min_value": out_of,
                    "max_value": out_of,
                },
            )
        # In the page's order, so the list of errors above the form follows it too.
        self.order_fields(["stars", "strengths", "next_steps", *(mark_field_name(o) for o in self.objectives)])

    def objective_rows(self) -> list[tuple[AssessmentObjective, forms.BoundField]]:
        return [(objective, self[mark_field_name(objective)]) for objective in self.objectives]

    def marks_sum(self) -> int | None:
        """The sum of the marks as typed (for the page without its script)."""
        values = []
        for objective in self.objectives:
            raw = self[mark_field_name(objective)].value()
            try:
                values.append(int(raw))
            except (TypeError, ValueError):
                continue
        return sum(values) if values else None

    def review_input(self) -> ReviewInput:
        data = self.cleaned_data
        return ReviewInput(
            stars=data["stars"],
            strengths=data["strengths"],
            next_steps=data["next_steps"],
            overall=data.get("overall", ""),
            total_override=data.get("total_override"),
            marks={o.pk: data.get(mark_field_name(o)) for o in self.objectives},
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's refusal under the fields it names; anything else above the form."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for name, messages in error.message_dict.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def review_initial(review: Review | None, objectives: Sequence[AssessmentObjective]) -> dict[str, Any]:
    """The form's starting values: the teacher's saved review, if there is one."""
    if review is None:
        return {}
    marks = {m.objective_id: m.marks for m in review.marks.all()}
    initial: dict[str, Any] = {
        "stars": review.stars,
        "strengths": review.strengths,
        "next_steps": review.next_steps,
        "overall": review.overall,
        "total_override": review.total_override,
    }
    for objective in objectives:
        initial[mark_field_name(objective)] = marks.get(objective.pk)
    return initial


def with_comment_appended(
    data: Mapping[str, Any], comment: BankComment, *, field: str = "next_steps"
) -> dict[str, Any]:
    """What was typed, with a bank comment added as a new paragraph of one feedback text (the
    page without its script inserts comments this way)."""
    values = {key: data.get(key) for key in data}
    current = (values.get(field) or "").rstrip()
    values[field] = f"{current}\n\n{comment.text}" if current else comment.text
    return values
