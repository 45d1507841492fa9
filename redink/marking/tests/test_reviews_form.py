"""The review form at /teach/essays/<slug>/review/: who may open it, drafts and publishing,
marks per objective with their total, errors under their fields, and the comment bank's
"Insert" without JavaScript."""

from __future__ import annotations

import html
import re

import pytest
from django.test import TestCase

from redink.marking.models import BankComment, MarkingEvent, Review
from redink.marking.services import review_hide, review_total
from redink.testing.factories import UserFactory

from .test_reviews_helpers import STRENGTHS, form_data, make_objectives, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def objectives(essay):  # type: ignore[no-untyped-def]
    return make_objectives(essay.subject)


def url(essay) -> str:  # type: ignore[no-untyped-def]
    return f"/teach/essays/{essay.slug}/review/"


def textarea(body: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', body, re.S)
    assert found, f"no {name} box"
    return html.unescape(found.group(1)).strip("\n").replace("\r\n", "\n")


def field_block(body: str, marker: str) -> str:
    """The markup of the form field holding `marker` (an input's id)."""
    at = body.index(marker)
    starts = [m.start() for m in re.finditer(r'<div class="(?:objective-row )?field', body)]
    start = max(s for s in starts if s < at)
    ends = [s for s in starts if s > at] + [body.index("</fieldset>", at)]
    return body[start : min(ends)]


class TestWhoMayReview:
    def test_a_visitor_is_sent_to_log_in_and_a_student_is_refused(self, client, essay, student):
        assert client.get(url(essay))["Location"].startswith("/accounts/login/")
        client.force_login(student)
        refused = client.get(url(essay))
        assert refused.status_code == 403
        assert "Only verified teachers review essays" in refused.content.decode()

    def test_a_teacher_never_reviews_their_own_essay(self, client, essay):
        author = UserFactory(is_verified_teacher=True)
        essay.author = author
        essay.save()
        client.force_login(author)
        assert client.get(url(essay)).status_code == 403

    def test_an_essay_that_is_not_published_is_not_found(self, client, teacher, section):
        from redink.catalogue.models import Essay
        from redink.testing.factories import make_essay

        pending = make_essay(section=section, status=Essay.Status.PENDING)
        client.force_login(teacher)
        assert client.get(url(pending)).status_code == 404


class TestTheForm:
    def test_it_shows_the_whole_essay_the_objectives_with_their_bands_and_the_bank(
        self, client, essay, teacher, objectives
    ):
        BankComment.objects.create(teacher=teacher, text="Use the sources' provenance.", objective_code="AO2")
        BankComment.objects.create(teacher=UserFactory(is_verified_teacher=True), text="Someone else's comment.")
        client.force_login(teacher)
        body = client.get(url(essay)).content.decode()
        assert all(paragraph in html.unescape(body) for paragraph in essay.paragraphs)  # in full
        assert 'type="radio" name="stars"' in body and body.count('name="stars"') == 5
        assert "What this essay does well" in body and "What would lift it to the next grade" in body
        assert "Knowledge and understanding of the period" in body and "out of 12" in body and "out of 6" in body
        assert "<summary>Mark bands for AO1</summary>" in body
        assert "Wide-ranging, precise knowledge woven into a sustained argument." in body
        assert "out of 30" in body  # the total of the objectives
        assert "Total, if it is not the sum of the marks" in body
        assert "Use the sources&#x27; provenance." in body and "Someone else" not in body
        assert re.search(r'<button type="submit" form="review-form" name="insert" value="\d+"', body)
        assert ">Save draft<" in body and ">Publish review<" in body and "Update review" not in body

    def test_a_subject_without_objectives_has_no_marks_to_give(self, client, essay, teacher):
        client.force_login(teacher)
        body = client.get(url(essay)).content.decode()
        assert "Marks per assessment objective" not in body and "total_override" not in body
        response = client.post(url(essay), {**form_data(), "action": "publish"})
        assert response.status_code == 302
        assert Review.objects.get().marks.count() == 0


class TestSaving:
    def test_a_draft_is_saved_then_published(self, client, essay, teacher, objectives, mailoutbox):
        essay.author = UserFactory()
        essay.save()
        client.force_login(teacher)
        draft = client.post(url(essay), {**form_data(objectives), "action": "draft"})
        assert draft.status_code == 302 and draft["Location"] == url(essay)
        review = Review.objects.get(essay=essay, teacher=teacher)
        assert review.status == Review.Status.DRAFT and review.stars == 4
        assert review.strengths == STRENGTHS and review_total(review=review) == 24
        again = client.get(url(essay)).content.decode()
        assert "Draft saved. Nobody else sees it until you publish it." in again
        assert textarea(again, "strengths") == STRENGTHS
        assert f'name="mark_{objectives[0].pk}" value="10"' in again
        assert re.search(r"Sum of the marks: <output[^>]*>24 out of 30</output>", again)
        essay.refresh_from_db()
        assert essay.review_count == 0

        with TestCase.captureOnCommitCallbacks(execute=True):
            published = client.post(url(essay), {**form_data(objectives), "action": "publish"})
        review.refresh_from_db()
        assert review.status == Review.Status.PUBLISHED
        assert published["Location"] == f"{essay.get_absolute_url()}#review-{review.pk}"
        essay.refresh_from_db()
        assert (essay.review_count, essay.is_teacher_marked) == (1, True)
        assert len(mailoutbox) == 1 and mailoutbox[0].to == [essay.author.email]
        page = client.get(published["Location"]).content.decode()
        assert "Your review is published." in page

    def test_once_published_the_form_updates_and_says_changes_show_edited(self, client, essay, teacher, objectives):
        client.force_login(teacher)
        client.post(url(essay), {**form_data(objectives), "action": "publish"})
        body = client.get(url(essay)).content.decode()
        assert "<h1>Edit your review</h1>" in body
        assert ">Update review<" in body and "Save draft" not in body and "Publish review" not in body
        assert "marked “edited”" in body
        client.post(url(essay), {**form_data(objectives, stars="5"), "action": "publish"})
        review = Review.objects.get()
        assert review.stars == 5 and review.edited_at is not None
        assert MarkingEvent.objects.filter(action=MarkingEvent.Action.REVIEW_EDITED).count() == 1
        page = client.get(essay.get_absolute_url()).content.decode()
        assert 'class="edited">edited' in page

    def test_the_total_can_be_overridden(self, client, essay, teacher, objectives):
        client.force_login(teacher)
        client.post(url(essay), {**form_data(objectives, total_override="25"), "action": "publish"})
        assert review_total(review=Review.objects.get()) == 25

    def test_a_hidden_review_stays_hidden_when_its_teacher_changes_it(self, client, essay, teacher, staff):
        review = publish(essay, teacher=teacher)
        review_hide(review=review, moderator=staff, reason="Names a pupil.")
        client.force_login(teacher)
        body = client.get(url(essay)).content.decode()
        assert "A moderator has hidden this review" in body and "Names a pupil." in body
        response = client.post(url(essay), {**form_data(stars="2"), "action": "publish"})
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.status == Review.Status.HIDDEN and review.stars == 2


class TestRefusals:
    def test_marks_out_of_range_are_refused_under_their_field_and_nothing_typed_is_lost(
        self, client, essay, teacher, objectives
    ):
        client.force_login(teacher)
        typed = form_data(objectives, stars="3", overall="Grade 6", **{f"mark_{objectives[0].pk}": "13"})
        typed["next_steps"] = "First paragraph of advice.\n\nSecond paragraph, with <angle> brackets & more."
        response = client.post(url(essay), {**typed, "action": "publish"})
        assert response.status_code == 400
        assert not Review.objects.exists()
        body = response.content.decode()
        ao1 = field_block(body, f'id="id_mark_{objectives[0].pk}"')
        assert "AO1 is out of 12." in ao1
        assert 'aria-invalid="true"' in ao1 and f"id_mark_{objectives[0].pk}_error" in ao1
        assert "AO1 is out of 12." not in field_block(body, f'id="id_mark_{objectives[1].pk}"')
        assert 'role="alert"' in body and f'href="#id_mark_{objectives[0].pk}">AO1 is out of 12.' in body
        # Everything typed comes back as it was.
        assert textarea(body, "strengths") == STRENGTHS
        assert textarea(body, "next_steps") == typed["next_steps"]
        assert f'name="mark_{objectives[0].pk}" value="13"' in body
        assert f'name="mark_{objectives[1].pk}" value="9"' in body
        assert 'value="Grade 6"' in body
        assert re.search(r'<input type="radio" name="stars" value="3"[^>]*checked', body)

    def test_a_total_above_the_objectives_marks_is_refused_under_the_total(self, client, essay, teacher, objectives):
        client.force_login(teacher)
        response = client.post(url(essay), {**form_data(objectives, total_override="31"), "action": "draft"})
        assert response.status_code == 400
        assert "The total is out of 30." in field_block(response.content.decode(), 'id="id_total_override"')

    def test_a_total_without_marks_is_refused_under_the_total(self, client, essay, teacher, objectives):
        client.force_login(teacher)
        typed = {**form_data(), "total_override": "20", "action": "draft"}
        response = client.post(url(essay), typed)
        assert response.status_code == 400
        block = field_block(response.content.decode(), 'id="id_total_override"')
        assert "Give marks per objective before changing their total." in block and 'value="20"' in block

    def test_every_problem_is_told_at_once(self, client, essay, teacher, objectives):
        client.force_login(teacher)
        typed = {**form_data(objectives, **{f"mark_{objectives[1].pk}": "40"}), "stars": "", "action": "publish"}
        body = client.post(url(essay), typed).content.decode()
        summary = body[body.index('class="form-errors"') : body.index("</ul>")]
        assert "Give between 1 and 5 stars." in summary and "AO2 is out of 12." in summary

    def test_both_feedback_texts_and_the_stars_are_required(self, client, essay, teacher):
        client.force_login(teacher)
        response = client.post(url(essay), {"strengths": "  ", "next_steps": "", "action": "draft"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Say what this essay does well." in field_block(body, 'id="id_strengths"')
        assert "Say what would lift it to the next grade." in field_block(body, 'id="id_next_steps"')
        assert "Give between 1 and 5 stars." in body
        assert not Review.objects.exists()

    def test_a_mark_that_is_not_a_number_is_refused(self, client, essay, teacher, objectives):
        client.force_login(teacher)
        response = client.post(
            url(essay), {**form_data(objectives, **{f"mark_{objectives[2].pk}": "six"}), "action": "draft"}
        )
        assert response.status_code == 400
        assert "Give AO3 a whole number of marks, 0 to 6." in field_block(
            response.content.decode(), f'id="id_mark_{objectives[2].pk}"'
        )


class TestInsertWithoutJavaScript:
    def test_insert_appends_the_comment_to_the_next_grade_box_and_keeps_everything_typed(
        self, client, essay, teacher, objectives
    ):
        comment = BankComment.objects.create(teacher=teacher, text="Link each point back to the question.")
        client.force_login(teacher)
        typed = form_data(objectives, stars="2", strengths="Half a thought", next_steps="Start here.")
        typed[f"mark_{objectives[1].pk}"] = ""
        response = client.post(url(essay), {**typed, "insert": str(comment.pk)})
        assert response.status_code == 200
        assert not Review.objects.exists()  # nothing saved, nothing checked
        body = response.content.decode()
        assert textarea(body, "next_steps") == "Start here.\n\nLink each point back to the question."
        assert textarea(body, "strengths") == "Half a thought"
        assert re.search(r'<input type="radio" name="stars" value="2"[^>]*checked', body)
        assert f'name="mark_{objectives[0].pk}" value="10"' in body
        assert 'class="error"' not in body and 'role="alert"' not in body
        assert "The comment from your bank is added at the end of this box." in body
        assert re.search(r'<textarea name="next_steps"[^>]*autofocus', body)
        # Then the teacher publishes what is in the form, comment included, in the next step.
        kept = {**typed, "next_steps": textarea(body, "next_steps"), "action": "publish"}
        assert client.post(url(essay), kept).status_code == 302
        assert Review.objects.get().next_steps.endswith("Link each point back to the question.")

    def test_insert_into_an_empty_box_puts_the_comment_alone(self, client, essay, teacher):
        comment = BankComment.objects.create(teacher=teacher, text="Plan before writing.")
        client.force_login(teacher)
        body = client.post(url(essay), {"next_steps": "", "insert": str(comment.pk)}).content.decode()
        assert textarea(body, "next_steps") == "Plan before writing."

    def test_another_teachers_comment_is_not_inserted(self, client, essay, teacher):
        theirs = BankComment.objects.create(teacher=UserFactory(is_verified_teacher=True), text="Not yours to use.")
        client.force_login(teacher)
        body = client.post(url(essay), {"next_steps": "Mine.", "insert": str(theirs.pk)}).content.decode()
        assert textarea(body, "next_steps") == "Mine."
        assert "Not yours to use." not in body
        assert "That comment is no longer in your comment bank." in body
