"""Marking's rules: who may review, one review per teacher and essay, marks within their
objectives, drafts, edits, hiding, and the essay's rating and "marked by a teacher" derived from
published reviews."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from redink.catalogue.models import Essay
from redink.marking.models import AssessmentObjective, MarkingEvent, Review, TeacherApplication
from redink.marking.rating import wilson_stars
from redink.marking.services import (
    AlreadyApplied,
    ReviewInput,
    application_approve,
    application_decline,
    application_submit,
    essay_rating_refresh,
    review_hide,
    review_save,
    review_show,
    review_total,
    teacher_subject_ids,
)
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def written(stars: int = 4, marks: dict | None = None) -> ReviewInput:  # type: ignore[type-arg]
    """A review; `marks` by objective (the objects), as the form gives them by id."""
    return ReviewInput(
        stars=stars,
        strengths="A clear line of argument.\n\nWell-chosen quotations.",
        next_steps="Say more about context.",
        marks={objective.pk: value for objective, value in (marks or {}).items()},
    )


@pytest.fixture
def objectives(essay):  # type: ignore[no-untyped-def]
    return [
        AssessmentObjective.objects.create(subject=essay.subject, code=code, title=code, max_marks=most, position=n)
        for n, (code, most) in enumerate((("AO1", 12), ("AO2", 12), ("AO3", 6)))
    ]


@pytest.fixture
def verified(db):  # type: ignore[no-untyped-def]
    return UserFactory(is_verified_teacher=True, display_name="Mr Marker")


class TestRatings:
    def test_one_five_star_review_ranks_below_forty_averaging_4_8_and_ten_averaging_4_5(self):
        one = wilson_stars(count=1, stars_total=5)
        forty = wilson_stars(count=40, stars_total=192)  # 4.8 on average
        ten = wilson_stars(count=10, stars_total=45)  # 4.5
        assert one < ten < forty
        assert (round(one, 2), round(forty, 2)) == (1.83, 4.34)

    def test_no_review_scores_nothing(self):
        assert wilson_stars(count=0, stars_total=0) == 0


class TestReviews:
    def test_a_published_review_rates_the_essay_and_marks_it(self, essay, verified, objectives, mailoutbox):
        ao1, ao2, _ = objectives
        essay.author = UserFactory()
        essay.save()
        with TestCase.captureOnCommitCallbacks(execute=True):
            draft = review_save(essay=essay, teacher=verified, data=written(5), publish=False)
        essay.refresh_from_db()
        assert draft.status == Review.Status.DRAFT and not essay.is_teacher_marked and essay.review_count == 0
        assert mailoutbox == []
        with TestCase.captureOnCommitCallbacks(execute=True):
            review = review_save(essay=essay, teacher=verified, data=written(5, {ao1: 10, ao2: 9}), publish=True)
        essay.refresh_from_db()
        assert review.pk == draft.pk and review.status == Review.Status.PUBLISHED and review.edited_at is None
        assert (essay.is_teacher_marked, essay.review_count, essay.rating_average) == (True, 1, 5.0)
        assert essay.rating_score == pytest.approx(1.83, abs=0.01)
        assert review_total(review=review) == 19
        assert [m.subject for m in mailoutbox] == [f"A teacher has reviewed “{essay.title}”"]
        assert essay.get_absolute_url() in mailoutbox[0].body

    def test_editing_a_published_review_shows_edited_and_mails_nobody_again(self, essay, verified, mailoutbox):
        with TestCase.captureOnCommitCallbacks(execute=True):
            review_save(essay=essay, teacher=verified, data=written(3), publish=True)
            same = review_save(essay=essay, teacher=verified, data=written(3), publish=True)
        assert same.edited_at is None  # saved unchanged: not an edit
        with TestCase.captureOnCommitCallbacks(execute=True):
            edited = review_save(essay=essay, teacher=verified, data=written(4), publish=True)
        assert edited.edited_at is not None
        assert Review.objects.filter(essay=essay).count() == 1
        assert MarkingEvent.objects.filter(action=MarkingEvent.Action.REVIEW_EDITED).count() == 1

    def test_marks_stay_within_their_objectives_and_the_total_can_be_overridden(self, essay, verified, objectives):
        ao1, ao2, ao3 = objectives
        with pytest.raises(ValidationError) as refused:
            review_save(essay=essay, teacher=verified, data=written(4, {ao1: 13}), publish=True)
        assert "AO1 is out of 12." in str(refused.value)
        data = written(4, {ao1: 10, ao2: 11, ao3: 5})
        review = review_save(
            essay=essay,
            teacher=verified,
            data=ReviewInput(**{**data.__dict__, "total_override": 24}),
            publish=True,
        )
        assert review_total(review=review) == 24
        with pytest.raises(ValidationError):
            review_save(
                essay=essay, teacher=verified, data=ReviewInput(**{**data.__dict__, "total_override": 31}), publish=True
            )

    def test_both_feedback_texts_are_required(self, essay, verified):
        with pytest.raises(ValidationError) as refused:
            review_save(
                essay=essay, teacher=verified, data=ReviewInput(stars=4, strengths=" ", next_steps=""), publish=False
            )
        assert set(refused.value.message_dict) == {"strengths", "next_steps"}

    def test_only_verified_teachers_review_and_never_their_own_essay(self, essay, student):
        with pytest.raises(ValidationError):
            review_save(essay=essay, teacher=student, data=written(), publish=True)
        author = UserFactory(is_verified_teacher=True)
        essay.author = author
        essay.save()
        with pytest.raises(ValidationError):
            review_save(essay=essay, teacher=author, data=written(), publish=True)

    def test_a_hidden_review_leaves_the_rating_and_its_teacher_is_told(self, essay, verified, staff, mailoutbox):
        with TestCase.captureOnCommitCallbacks(execute=True):
            review = review_save(essay=essay, teacher=verified, data=written(2), publish=True)
        with pytest.raises(ValidationError):
            review_hide(review=review, moderator=staff, reason="")
        with TestCase.captureOnCommitCallbacks(execute=True):
            review_hide(review=review, moderator=staff, reason="It names the student's school.")
        essay.refresh_from_db()
        assert (essay.review_count, essay.is_teacher_marked) == (0, False)
        assert mailoutbox[-1].to == [verified.email] and "It names the student's school." in mailoutbox[-1].body
        # Saving it again does not bring it back; a moderator does.
        review_save(essay=essay, teacher=verified, data=written(3), publish=True)
        assert Review.objects.get(pk=review.pk).status == Review.Status.HIDDEN
        review_show(review=review, moderator=staff)
        essay.refresh_from_db()
        assert essay.review_count == 1

    def test_marked_by_a_teacher_follows_published_reviews_only(self, essay):
        Essay.objects.filter(pk=essay.pk).update(is_teacher_marked=True)  # set by hand before reviews existed
        essay_rating_refresh(essay_id=essay.pk)
        essay.refresh_from_db()
        assert not essay.is_teacher_marked


class TestApplications:
    def test_approval_verifies_the_teacher_for_their_subjects_and_is_logged_and_mailed(
        self, student, staff, essay, mailoutbox
    ):
        application = application_submit(
            applicant=student, institution="Hilltop Academy", subjects=[essay.subject], qualification="PGCE, 2015"
        )
        with pytest.raises(AlreadyApplied):
            application_submit(applicant=student, institution="x", subjects=[], qualification="y")
        with TestCase.captureOnCommitCallbacks(execute=True):
            application_approve(application=application, moderator=staff)
        student.refresh_from_db()
        assert student.is_verified_teacher
        assert teacher_subject_ids(teacher=student) == {essay.subject_id}
        actions = list(application.events.values_list("action", "actor"))
        assert actions == [(MarkingEvent.Action.APPLIED, student.pk), (MarkingEvent.Action.APPROVED, staff.pk)]
        assert mailoutbox[-1].subject.startswith("You are a verified teacher")
        with pytest.raises(ValidationError):
            application_approve(application=application, moderator=staff)  # decided already

    def test_declining_needs_a_reason_and_says_it(self, student, staff, essay, mailoutbox):
        application = application_submit(
            applicant=student, institution="Hilltop Academy", subjects=[essay.subject], qualification="PGCE"
        )
        with pytest.raises(ValidationError):
            application_decline(application=application, moderator=staff, reason="other", note="")
        with TestCase.captureOnCommitCallbacks(execute=True):
            declined = application_decline(
                application=application, moderator=staff, reason=TeacherApplication.DeclineReason.NOT_CONFIRMED
            )
        student.refresh_from_db()
        assert declined.status == TeacherApplication.Status.DECLINED and not student.is_verified_teacher
        assert declined.get_decline_reason_display() in mailoutbox[-1].body

    def test_a_teacher_verified_in_the_admin_marks_every_subject(self, verified):
        assert teacher_subject_ids(teacher=verified) is None
