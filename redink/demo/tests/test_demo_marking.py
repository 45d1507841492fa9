"""The demo's marking: objectives with mark bands for every demo subject, verified teachers,
published reviews with marks per objective on at least a third of the essays, the demo
teacher's comment bank, and a load that changes nothing when run again."""

from __future__ import annotations

import itertools

import pytest
from django.core.management import call_command

from redink.accounts.models import User
from redink.catalogue.models import Essay, Subject
from redink.demo.library import DemoFileError, demo_essays, parse_demo_file
from redink.demo.teaching import demo_reviews, teachers_data
from redink.marking.models import AssessmentObjective, BankComment, MarkBand, MarkingEvent, Review, ReviewMark
from redink.marking.services import ReviewInput, review_save

pytestmark = pytest.mark.django_db

# The essays the demo marked by hand before "marked by a teacher" came from reviews.
MARKED_BEFORE_REVIEWS = {
    "benefits-and-problems-of-urban-regeneration",
    "can-we-know-something-we-cannot-explain",
    "does-caffeine-concentration-affect-the-heart-rate-of-daphnia",
    "does-education-reproduce-social-class-inequality",
    "evaluate-the-multi-store-model-of-memory",
    "how-did-relations-between-the-superpowers-change-after-1945",
    "how-do-wordsworth-and-keats-present-nature",
    "how-does-dickens-use-the-city-in-bleak-house",
    "how-does-light-intensity-affect-the-rate-of-photosynthesis",
    "how-does-priestley-use-the-inspector-to-criticise-the-birlings",
    "how-successful-was-henry-vii-in-securing-the-tudor-dynasty",
    "should-consideration-remain-a-requirement-for-contracts",
    "should-the-government-tax-sugary-drinks",
    "was-khrushchev-to-blame-for-the-cuban-missile-crisis",
    "why-did-detente-collapse-in-the-late-1970s",
}
DEMO_TEACHER_EMAIL = "teacher@demo.redink.invalid"


@pytest.fixture
def demo(settings):  # type: ignore[no-untyped-def]
    """A fresh demo, as `make run` loads it (demo mode: the demo accounts too)."""
    settings.DEBUG = True
    call_command("load_demo")


def _published():  # type: ignore[no-untyped-def]
    return Review.objects.filter(status=Review.Status.PUBLISHED)


def test_a_third_of_the_essays_have_published_reviews_with_marks_per_objective(demo):
    essays = Essay.objects.published()
    reviewed = essays.filter(reviews__status=Review.Status.PUBLISHED).distinct()
    assert reviewed.count() * 3 >= essays.count()
    for review in _published().select_related("essay"):
        marks = list(ReviewMark.objects.filter(review=review).select_related("objective"))
        assert marks, f"{review.essay.slug}: a review without marks per objective"
        for mark in marks:
            assert mark.objective.subject_id == review.essay.subject_id
            assert 0 <= mark.marks <= mark.objective.max_marks
        assert review.strengths and review.next_steps and review.overall and 1 <= review.stars <= 5
        assert review.published_at and review.published_at > review.essay.published_at


def test_marked_by_a_teacher_and_the_ratings_come_from_the_reviews(demo):
    for essay in Essay.objects.published():
        published = list(_published().filter(essay=essay).values_list("stars", flat=True))
        assert essay.is_teacher_marked == bool(published), essay.slug
        assert essay.review_count == len(published)
        if published:
            assert essay.rating_average == round(sum(published) / len(published), 2)
            assert essay.rating_score > 0


def test_the_essays_the_old_header_marked_are_reviewed(demo):
    marked = set(Essay.objects.filter(is_teacher_marked=True).values_list("slug", flat=True))
    assert marked >= MARKED_BEFORE_REVIEWS


def test_the_header_that_marked_essays_by_hand_is_refused(tmp_path):
    path = tmp_path / "an-essay.txt"
    path.write_text(
        "title: T\nlevel: GCSE\nsubject: History\nsection: S\nauthor: A\npublished: 2024-01-01\n"
        "teacher_marked: yes\n---\nText.\n"
    )
    with pytest.raises(DemoFileError, match=r"reviews/an-essay\.toml"):
        parse_demo_file(path)


def test_every_demo_subject_has_objectives_whose_bands_climb_without_gaps(demo):
    subjects = Subject.objects.filter(sections__essays__slug__in=[e.slug for e in demo_essays()]).distinct()
    assert subjects.count() >= 8
    for subject in subjects:
        objectives = list(AssessmentObjective.objects.filter(subject=subject))
        assert objectives, f"{subject} has no assessment objectives"
        for objective in objectives:
            bands = list(MarkBand.objects.filter(objective=objective).order_by("low"))
            assert len(bands) >= 2, objective
            assert bands[0].low == 1 and bands[-1].high == objective.max_marks, (subject, objective)
            for lower, upper in itertools.pairwise(bands):
                assert upper.low == lower.high + 1, (subject, objective, lower, upper)
            assert all(len(band.descriptor) > 20 for band in bands)


def test_gcse_english_literature_is_marked_as_the_boards_split_it(demo):
    subject = Subject.objects.get(level__name="GCSE", name="English Literature")
    split = dict(AssessmentObjective.objects.filter(subject=subject).values_list("code", "max_marks"))
    assert split == {"AO1": 12, "AO2": 12, "AO3": 6, "AO4": 4}


def test_the_reviews_come_from_verified_teachers_nobody_logs_in_as_and_the_demo_teacher(demo):
    teachers = User.objects.filter(reviews__status=Review.Status.PUBLISHED).distinct()
    assert 2 <= teachers.count() <= 3
    assert all(t.is_verified_teacher for t in teachers)
    demo_teacher = User.objects.get(email=DEMO_TEACHER_EMAIL)
    assert demo_teacher in teachers
    for teacher in teachers.exclude(pk=demo_teacher.pk):
        assert not teacher.has_usable_password(), teacher.email
    authors = set(Essay.objects.values_list("author_id", flat=True))
    assert not authors & {t.pk for t in teachers}


def test_each_review_is_written_for_its_essay(demo):
    reviews = list(_published())
    assert len({r.strengths for r in reviews}) == len(reviews)
    assert len({r.next_steps for r in reviews}) == len(reviews)


def test_the_demo_teacher_has_a_comment_bank(demo):
    bank = BankComment.objects.filter(teacher__email=DEMO_TEACHER_EMAIL)
    assert bank.count() >= 6
    assert bank.exclude(objective_code="").exists() and bank.filter(objective_code="").exists()


def test_without_the_demo_accounts_a_third_of_the_essays_are_still_reviewed():
    call_command("load_demo", "--essays-only")
    essays = Essay.objects.published()
    reviewed = essays.filter(is_teacher_marked=True).count()
    assert reviewed * 3 >= essays.count()
    assert not User.objects.filter(email=DEMO_TEACHER_EMAIL).exists()


def _snapshot() -> dict[str, object]:
    return {
        "reviews": list(Review.objects.order_by("pk").values()),
        "marks": list(ReviewMark.objects.order_by("pk").values()),
        "objectives": list(AssessmentObjective.objects.order_by("pk").values()),
        "bands": list(MarkBand.objects.order_by("pk").values()),
        "bank": list(BankComment.objects.order_by("pk").values()),
        "events": MarkingEvent.objects.count(),
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "is_verified_teacher", "display_name")),
        "ratings": list(
            Essay.objects.order_by("pk").values_list(
                "slug", "review_count", "rating_average", "rating_score", "is_teacher_marked"
            )
        ),
    }


def test_loading_twice_changes_nothing(demo, settings):
    before = _snapshot()
    call_command("load_demo")
    assert _snapshot() == before


def test_loading_again_keeps_what_teachers_changed_since(demo):
    review = _published().select_related("essay", "teacher").first()
    edited = ReviewInput(stars=2, strengths="Rewritten by its teacher.", next_steps="And again.")
    review_save(essay=review.essay, teacher=review.teacher, data=edited, publish=True)
    call_command("load_demo", "--essays-only")
    review.refresh_from_db()
    assert (review.stars, review.strengths) == (2, "Rewritten by its teacher.")
    assert review.edited_at is not None


def test_an_old_demo_database_gets_the_flag_from_reviews(demo):
    unreviewed = Essay.objects.published().filter(review_count=0).first()
    Essay.objects.filter(pk=unreviewed.pk).update(is_teacher_marked=True)  # set by the old header
    call_command("load_demo", "--essays-only")
    unreviewed.refresh_from_db()
    assert not unreviewed.is_teacher_marked


def test_every_review_file_names_a_demo_essay_and_a_known_teacher():
    slugs = {e.slug for e in demo_essays()}
    for slug, reviews in demo_reviews().items():
        assert slug in slugs, slug
        assert reviews, slug
        assert all(r["teacher"] in teachers_data() for r in reviews), slug
