"""Helpers shared by the review tests (no tests of its own)."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from redink.marking.models import AssessmentObjective, MarkBand, Review
from redink.marking.services import ReviewInput, review_save
from redink.testing.factories import UserFactory

STRENGTHS = "A confident line of argument from the first paragraph.\n\nQuotations are chosen with care."
NEXT_STEPS = "Weigh the counter-argument before dismissing it."


def make_objectives(subject: Any) -> list[AssessmentObjective]:
    """GCSE-style objectives for a subject, AO1 with a ladder of four bands."""
    made = [
        AssessmentObjective.objects.create(subject=subject, code=code, title=title, max_marks=most, position=n)
        for n, (code, title, most) in enumerate(
            (
                ("AO1", "Knowledge and understanding of the period", 12),
                ("AO2", "Explanation and analysis of causes", 12),
                ("AO3", "Judgement on the question", 6),
            )
        )
    ]
    for label, low, high, words in (
        ("Level 1", 1, 3, "Basic knowledge, loosely linked to the question."),
        ("Level 2", 4, 6, "Some accurate knowledge that supports the answer."),
        ("Level 3", 7, 9, "Accurate, relevant knowledge used to explain."),
        ("Level 4", 10, 12, "Wide-ranging, precise knowledge woven into a sustained argument."),
    ):
        MarkBand.objects.create(objective=made[0], label=label, low=low, high=high, descriptor=words)
    return made


def publish(
    essay: Any, *, teacher: Any = None, stars: int = 4, marks: dict[int, int] | None = None, **text: Any
) -> Review:
    """A published review through the service, its on-commit work run."""
    teacher = teacher or UserFactory(is_verified_teacher=True)
    data = ReviewInput(
        stars=stars,
        strengths=text.get("strengths", STRENGTHS),
        next_steps=text.get("next_steps", NEXT_STEPS),
        overall=text.get("overall", ""),
        total_override=text.get("total_override"),
        marks=marks or {},
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        return review_save(essay=essay, teacher=teacher, data=data, publish=text.get("publish", True))


def form_data(objectives: list[AssessmentObjective] | None = None, **changes: Any) -> dict[str, Any]:
    """What a teacher types into the review form."""
    data: dict[str, Any] = {"stars": "4", "strengths": STRENGTHS, "next_steps": NEXT_STEPS, "overall": ""}
    for objective, value in zip(objectives or [], (10, 9, 5), strict=False):
        data[f"mark_{objective.pk}"] = str(value)
    data.update(changes)
    return data
