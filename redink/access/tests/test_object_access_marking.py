"""Teachers reach only their own marking: another teacher's review draft, review, margin comment
or comment-bank entry can be neither read nor changed by changing a number in an address or a
form field, and only moderators hide or show what a teacher wrote. Each refusal is checked in
the database too: the other teacher's words are exactly as they were."""

from __future__ import annotations

import json

import pytest
from django.test import TestCase

from redink.api.tests.helpers import bearer
from redink.marking.comments import comment_add
from redink.marking.models import BankComment, MarginComment, Review
from redink.marking.services import ReviewInput, bank_comment_add, review_hide, review_save
from redink.testing.factories import UserFactory, make_essay

pytestmark = pytest.mark.django_db

DRAFT_WORDS = "A draft nobody else may read zqdraftreview"
PUBLISHED_WORDS = "The judgement is well argued zqpublished"
COMMENT_WORDS = "Expand this point about containment zqmargin"
BANK_WORDS = "My own reusable advice zqbank"


@pytest.fixture
def author(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Essay Author")


@pytest.fixture
def marked(section, author):  # type: ignore[no-untyped-def]
    return make_essay(section=section, author=author, title="Why did the Cold War begin?")


@pytest.fixture
def other_teacher(db):  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Another Teacher", is_verified_teacher=True)


def _save_review(essay, teacher, *, words: str, publish: bool, stars: int = 4) -> Review:  # type: ignore[no-untyped-def]
    with TestCase.captureOnCommitCallbacks(execute=True):
        return review_save(
            essay=essay,
            teacher=teacher,
            data=ReviewInput(stars=stars, strengths=words, next_steps=f"{words} next"),
            publish=publish,
        )


def _snapshot(review: Review) -> tuple[object, ...]:
    review.refresh_from_db()
    return (review.teacher_id, review.essay_id, review.status, review.stars, review.strengths, review.hidden_reason)


@pytest.fixture
def comment(marked, teacher):  # type: ignore[no-untyped-def]
    words = marked.paragraphs[0].split(". ")[0]
    start = marked.body.index(words)
    made = comment_add(
        essay=marked,
        teacher=teacher,
        body=COMMENT_WORDS,
        start=start,
        end=start + len(words),
        text_version=marked.text_version,
    )
    marked.refresh_from_db()
    return made


def _comment_state(comment: MarginComment) -> tuple[object, ...]:
    comment.refresh_from_db()
    return (comment.teacher_id, comment.body, comment.start, comment.end, comment.state, comment.is_hidden)


class TestReviews:
    def test_another_teachers_draft_reaches_no_other_teacher_on_any_channel(
        self, client, marked, teacher, other_teacher
    ):
        _save_review(marked, teacher, words=DRAFT_WORDS, publish=False)
        client.force_login(other_teacher)
        pages = [
            client.get(f"/teach/essays/{marked.slug}/review/"),
            client.get(marked.get_absolute_url()),
            client.get(f"/api/v1/essays/{marked.slug}/reviews/"),
            client.get(f"/api/v1/essays/{marked.slug}/reviews/", **bearer(other_teacher)),
        ]
        for response in pages:
            assert response.status_code == 200
            assert DRAFT_WORDS not in response.content.decode()
        assert json.loads(pages[-1].content)["items"] == []

    def test_the_review_form_writes_only_the_senders_own_review(self, client, marked, teacher, other_teacher):
        theirs = _save_review(marked, teacher, words=PUBLISHED_WORDS, publish=True, stars=5)
        before = _snapshot(theirs)
        client.force_login(other_teacher)
        response = client.post(
            f"/teach/essays/{marked.slug}/review/",
            # An id in a field the form does not have is ignored, whatever it names.
            {
                "stars": "1",
                "strengths": "Defaced",
                "next_steps": "Defaced",
                "action": "publish",
                "review": theirs.pk,
                "teacher": teacher.pk,
            },
        )
        assert response.status_code == 302
        assert _snapshot(theirs) == before
        own = Review.objects.get(essay=marked, teacher=other_teacher)
        assert (own.stars, own.strengths) == (1, "Defaced")

    @pytest.mark.parametrize("action", ["hide", "show"])
    def test_only_moderators_hide_or_show_a_review(self, client, marked, teacher, other_teacher, member, action):
        review = _save_review(marked, teacher, words=PUBLISHED_WORDS, publish=True)
        if action == "show":
            review = review_hide(review=review, moderator=UserFactory(is_staff=True), reason="Off topic")
        before = _snapshot(review)
        for intruder in (other_teacher, member, teacher):
            client.force_login(intruder)
            response = client.post(f"/moderation/reviews/{review.pk}/{action}/", {"reason": "Because"})
            assert response.status_code == 403
            assert _snapshot(review) == before

    @pytest.mark.parametrize(("method", "action"), [("get", "hide"), ("post", "hide"), ("post", "show")])
    def test_a_draft_is_not_found_even_by_a_moderator(self, client, marked, teacher, staff, method, action):
        draft = _save_review(marked, teacher, words=DRAFT_WORDS, publish=False)
        before = _snapshot(draft)
        client.force_login(staff)
        response = getattr(client, method)(f"/moderation/reviews/{draft.pk}/{action}/", {"reason": "Because"})
        assert response.status_code == 404
        assert "Verified Teacher" not in response.content.decode()
        assert _snapshot(draft) == before

    def test_a_moderator_may_hide_a_review_but_not_rewrite_it(self, client, marked, teacher, staff):
        review = _save_review(marked, teacher, words=PUBLISHED_WORDS, publish=True)
        client.force_login(staff)
        data = {"stars": "1", "strengths": "Rewritten", "next_steps": "Rewritten", "action": "publish"}
        assert client.post(f"/teach/essays/{marked.slug}/review/", data).status_code == 403
        review.refresh_from_db()
        assert (review.stars, review.strengths) == (4, PUBLISHED_WORDS)
        assert client.post(f"/moderation/reviews/{review.pk}/hide/", {"reason": "Off topic"}).status_code == 302
        review.refresh_from_db()
        assert (review.status, review.strengths) == (Review.Status.HIDDEN, PUBLISHED_WORDS)


class TestMarginComments:
    @pytest.mark.parametrize(
        ("method", "action"),
        [("get", "edit"), ("post", "edit"), ("post", "delete"), ("post", "reattach")],
    )
    def test_another_teachers_comment_is_not_found_and_stays_as_it_was(
        self, client, marked, comment, other_teacher, method, action
    ):
        before = _comment_state(comment)
        client.force_login(other_teacher)
        data = {"body": "Defaced", "paragraph": "2", "text_version": marked.text_version}
        response = getattr(client, method)(f"/teach/margin-comments/{comment.pk}/{action}/", data)
        assert response.status_code == 404
        assert COMMENT_WORDS not in response.content.decode()
        assert _comment_state(comment) == before

    def test_a_hidden_or_lost_comment_is_no_more_visible_by_its_number(self, client, marked, comment, other_teacher):
        MarginComment.objects.filter(pk=comment.pk).update(is_hidden=True)
        client.force_login(other_teacher)
        response = client.get(f"/teach/margin-comments/{comment.pk}/edit/")
        missing = client.get("/teach/margin-comments/999999/edit/")
        assert response.status_code == missing.status_code == 404

    def test_the_move_link_with_another_teachers_number_offers_nothing_to_move(
        self, client, marked, comment, other_teacher
    ):
        client.force_login(other_teacher)
        body = client.get(f"{marked.get_absolute_url()}?reattach={comment.pk}").content.decode()
        assert "Move your comment to a new passage" not in body
        assert f"/teach/margin-comments/{comment.pk}/reattach/" not in body

    def test_a_move_link_opened_by_anyone_but_a_teacher_shows_the_plain_page(self, client, marked, comment, member):
        for who in (None, member):
            if who is not None:
                client.force_login(who)
            response = client.get(f"{marked.get_absolute_url()}?reattach={comment.pk}")
            assert response.status_code == 200
            assert "Move your comment to a new passage" not in response.content.decode()

    def test_moderators_hide_comments_but_neither_edit_nor_delete_them(self, client, comment, staff):
        before = _comment_state(comment)
        client.force_login(staff)
        assert client.post(f"/teach/margin-comments/{comment.pk}/edit/", {"body": "x"}).status_code == 403
        assert client.post(f"/teach/margin-comments/{comment.pk}/delete/").status_code == 403
        assert _comment_state(comment) == before
        assert client.post(f"/moderation/comments/{comment.pk}/hide/", {"reason": "Unkind"}).status_code == 302
        comment.refresh_from_db()
        assert comment.is_hidden and comment.body == COMMENT_WORDS

    @pytest.mark.parametrize("action", ["hide", "show"])
    def test_teachers_may_not_hide_or_show_a_comment(self, client, comment, other_teacher, teacher, action):
        if action == "show":
            MarginComment.objects.filter(pk=comment.pk).update(is_hidden=True)
        before = _comment_state(comment)
        for intruder in (other_teacher, teacher):
            client.force_login(intruder)
            assert client.post(f"/moderation/comments/{comment.pk}/{action}/", {"reason": "x"}).status_code == 403
        assert _comment_state(comment) == before

    def test_the_lost_comments_list_holds_only_the_teachers_own(self, client, marked, comment, other_teacher):
        MarginComment.objects.filter(pk=comment.pk).update(state=MarginComment.State.ORPHAN)
        client.force_login(other_teacher)
        body = client.get("/teach/lost-comments/").content.decode()
        assert COMMENT_WORDS not in body


class TestCommentBank:
    @pytest.fixture
    def saved(self, teacher):  # type: ignore[no-untyped-def]
        return bank_comment_add(teacher=teacher, text=BANK_WORDS, objective_code="")

    def test_another_teachers_bank_entry_cannot_be_deleted(self, client, saved, other_teacher):
        client.force_login(other_teacher)
        response = client.post(f"/teach/comments/{saved.pk}/delete/", follow=True)
        assert "That comment was not in your bank" in response.content.decode()
        assert BankComment.objects.filter(pk=saved.pk, teacher=saved.teacher, text=BANK_WORDS).exists()

    def test_the_bank_page_lists_only_the_teachers_own(self, client, saved, other_teacher):
        client.force_login(other_teacher)
        assert BANK_WORDS not in client.get("/teach/comments/").content.decode()

    def test_another_teachers_entry_named_in_a_form_is_never_used(self, client, marked, saved, other_teacher):
        client.force_login(other_teacher)
        comment_form = {"paragraph": "1", "body": "", "bank": saved.pk, "text_version": marked.text_version}
        client.post(f"/teach/essays/{marked.slug}/comments/", comment_form)
        assert not MarginComment.objects.filter(body=BANK_WORDS).exists()
        review_form = {"stars": "3", "strengths": "Good", "next_steps": "", "insert": str(saved.pk)}
        page = client.post(f"/teach/essays/{marked.slug}/review/", review_form).content.decode()
        assert "That comment is no longer in your comment bank" in page
        assert BANK_WORDS not in page
        assert not Review.objects.exists()
