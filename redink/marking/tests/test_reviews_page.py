"""Reviews on the essay page: stars, counts, names and marks for everyone; what the teachers
wrote only for those who may read the essay in full; teachers' and moderators' actions; the
page's queries and shared caching; the rating in the JSON-LD."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from redink.marking.models import MarkingEvent, Review
from redink.marking.services import review_hide
from redink.testing.factories import UserFactory

from .test_reviews_helpers import NEXT_STEPS, make_objectives, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def objectives(essay):  # type: ignore[no-untyped-def]
    return make_objectives(essay.subject)


# Words a review writes that no visitor may receive (they could quote the hidden part).
SECRET_STRENGTH = "Quotes the closing judgement zqstrength"
SECRET_NEXT = "Rework the final paragraph zqnextstep"


@pytest.fixture
def reviewed(essay, objectives):  # type: ignore[no-untyped-def]
    """The essay with two published reviews (one with marks per objective and an overall grade)."""
    first = publish(
        essay,
        teacher=UserFactory(is_verified_teacher=True, display_name="Ms Okafor"),
        stars=5,
        marks={objectives[0].pk: 11, objectives[1].pk: 10, objectives[2].pk: 5},
        overall="Grade 8",
        strengths=SECRET_STRENGTH,
        next_steps=SECRET_NEXT,
    )
    second = publish(essay, teacher=UserFactory(is_verified_teacher=True, display_name="Mr Hale"), stars=3)
    essay.refresh_from_db()
    return first, second


def page(client, essay) -> str:  # type: ignore[no-untyped-def]
    response = client.get(essay.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(body: str) -> dict:  # type: ignore[type-arg]
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))


class TestWhatEveryoneSees:
    @pytest.mark.parametrize("who", ["visitor", "free student"])
    def test_stars_count_names_and_marks_but_not_one_word_of_the_reviews(self, client, essay, reviewed, student, who):
        if who == "free student":
            client.force_login(student)
        body = page(client, essay)
        assert "★★★★☆" in body and "4.0" in body and "from 2 teacher reviews" in body
        assert "Marked by a teacher" in body
        assert "Ms Okafor" in body and "Mr Hale" in body and "Verified teacher" in body
        assert "★★★★★" in body and "★★★☆☆" in body
        marks = body[body.index(f'id="review-{reviewed[0].pk}"') :]
        assert re.search(r"AO1</span> <span class=\"objective-title\">Knowledge[^<]*</span></th><td>11 / 12", marks)
        assert "10 / 12" in marks and "5 / 6" in marks
        assert '<th scope="row">Total</th><td>26 / 30</td>' in marks and "Grade 8" in marks
        assert "2 teachers have written what this essay does well" in body
        assert "Join to read what the teachers wrote" in body
        for secret in ("zqstrength", "zqnextstep", "Quotes the closing", NEXT_STEPS[:20]):
            assert secret not in body, f"{secret!r} reached a {who}"
        assert "What this essay does well</h4>" not in body

    def test_the_reviews_words_are_not_even_read_from_the_database_for_a_visitor(self, client, essay, reviewed):
        with CaptureQueriesContext(connection) as queries:
            page(client, essay)
        review_sql = [q["sql"] for q in queries.captured_queries if '"marking_review"' in q["sql"]]
        assert review_sql and not any('"strengths"' in sql or '"next_steps"' in sql for sql in review_sql)

    def test_drafts_and_hidden_reviews_show_to_nobody_but_moderators(self, client, essay, member, staff):
        draft_teacher = UserFactory(is_verified_teacher=True, display_name="Drafting Teacher")
        publish(essay, teacher=draft_teacher, publish=False, strengths="Draft words zqdraft")
        hidden = publish(essay, teacher=UserFactory(is_verified_teacher=True, display_name="Hidden Teacher"))
        review_hide(review=hidden, moderator=staff, reason="Names a pupil zqreason")
        for viewer in (None, member):
            if viewer:
                client.force_login(viewer)
            body = page(client, essay)
            assert "Drafting Teacher" not in body and "zqdraft" not in body
            assert "Hidden Teacher" not in body and "zqreason" not in body
            assert 'id="reviews"' not in body  # nothing published: no section at all
        client.force_login(staff)
        body = page(client, essay)
        assert (
            "Hidden Teacher" in body
            and "Hidden by a moderator.</strong>" in body
            and "The reason given: “Names a pupil zqreason”" in body
        )
        assert ">Show again</button>" in body
        assert "Drafting Teacher" not in body


class TestWhoReadsTheWords:
    @pytest.mark.parametrize("who", ["member", "author", "teacher", "staff"])
    def test_full_readers_see_what_the_teachers_wrote(self, client, essay, reviewed, member, teacher, staff, who):
        if who == "author":
            essay.author = UserFactory(display_name="The Author")
            essay.save()
        viewer = {"member": member, "author": essay.author, "teacher": teacher, "staff": staff}[who]
        client.force_login(viewer)
        body = page(client, essay)
        assert "<p>Quotes the closing judgement zqstrength</p>" in body
        assert "<p>Rework the final paragraph zqnextstep</p>" in body
        assert "What would lift it to the next grade</h4>" in body
        assert "Join to read what the teachers wrote" not in body

    def test_paragraphs_are_kept_and_markup_is_escaped(self, client, essay, member):
        publish(essay, strengths="First point.\n\nSecond <b>point</b> & more.")
        client.force_login(member)
        body = page(client, essay)
        assert "<p>First point.</p>\n\n<p>Second &lt;b&gt;point&lt;/b&gt; &amp; more.</p>" in body

    def test_edited_reviews_say_so(self, client, essay, member):
        teacher = UserFactory(is_verified_teacher=True)
        publish(essay, teacher=teacher, stars=3)
        assert 'class="edited"' not in page(client, essay)
        publish(essay, teacher=teacher, stars=4)
        assert re.search(r'class="edited">edited <time datetime="\d{4}-\d\d-\d\d">', page(client, essay))


class TestTeachersAndModerators:
    def test_a_teacher_is_offered_to_review_then_to_edit(self, client, essay, teacher, member):
        client.force_login(member)
        assert "Review this essay" not in page(client, essay)
        client.force_login(teacher)
        review_link = f'href="/teach/essays/{essay.slug}/review/"'
        body = page(client, essay)
        assert f"{review_link}>Review this essay</a>" in body and "No teacher has reviewed this essay yet." in body
        publish(essay, teacher=teacher, publish=False)
        assert f"{review_link}>Continue your draft review</a>" in page(client, essay)
        publish(essay, teacher=teacher)
        assert f"{review_link}>Edit your review</a>" in page(client, essay)

    def test_a_teacher_is_not_offered_to_review_their_own_essay(self, client, essay, teacher):
        essay.author = teacher
        essay.save()
        client.force_login(teacher)
        assert "Review this essay" not in page(client, essay)

    def test_moderators_hide_a_review_with_a_reason(self, client, essay, reviewed, staff, mailoutbox):
        target = reviewed[1]
        client.force_login(staff)
        body = page(client, essay)
        assert body.count("<summary>Hide</summary>") == 2
        assert f'action="/moderation/reviews/{target.pk}/hide/"' in body
        refused = client.post(f"/moderation/reviews/{target.pk}/hide/", {"reason": "  "})
        assert refused.status_code == 400
        assert "Say why the review is hidden: its teacher is told." in refused.content.decode()
        assert Review.objects.get(pk=target.pk).status == Review.Status.PUBLISHED
        with TestCase.captureOnCommitCallbacks(execute=True):
            hidden = client.post(f"/moderation/reviews/{target.pk}/hide/", {"reason": "Off-topic remarks."})
        assert hidden["Location"] == f"{essay.get_absolute_url()}#review-{target.pk}"
        target.refresh_from_db()
        assert (target.status, target.hidden_reason) == (Review.Status.HIDDEN, "Off-topic remarks.")
        essay.refresh_from_db()
        assert (essay.review_count, essay.rating_average) == (1, 5.0)
        event = MarkingEvent.objects.get(action=MarkingEvent.Action.REVIEW_HIDDEN)
        assert (event.actor, event.note) == (staff, "Off-topic remarks.")
        assert mailoutbox[-1].to == [target.teacher.email]
        assert "Mr Hale&#x27;s review is hidden; they have been told why." in page(client, essay)
        client.logout()
        assert "Mr Hale" not in page(client, essay)

    def test_moderators_show_a_hidden_review_again(self, client, essay, reviewed, staff):
        target = reviewed[1]
        review_hide(review=target, moderator=staff, reason="Checking it.")
        client.force_login(staff)
        client.post(f"/moderation/reviews/{target.pk}/show/")
        target.refresh_from_db()
        assert target.status == Review.Status.PUBLISHED
        essay.refresh_from_db()
        assert essay.review_count == 2
        assert MarkingEvent.objects.filter(action=MarkingEvent.Action.REVIEW_SHOWN, actor=staff).exists()

    def test_only_moderators_hide_reviews(self, client, essay, reviewed, teacher):
        url = f"/moderation/reviews/{reviewed[0].pk}/hide/"
        assert client.post(url, {"reason": "x"})["Location"].startswith("/accounts/login/")
        client.force_login(teacher)
        assert client.post(url, {"reason": "x"}).status_code == 403
        assert client.post(f"/moderation/reviews/{reviewed[0].pk}/show/").status_code == 403
        assert Review.objects.get(pk=reviewed[0].pk).status == Review.Status.PUBLISHED
        assert "<summary>Hide</summary>" not in page(client, essay)

    def test_the_hide_page_asks_why_and_only_a_published_review_is_hidden(self, client, essay, reviewed, staff):
        client.force_login(staff)
        url = f"/moderation/reviews/{reviewed[0].pk}/hide/"
        assert "Why hide this review?" in client.get(url).content.decode()
        draft = publish(essay, publish=False)
        client.post(f"/moderation/reviews/{draft.pk}/hide/", {"reason": "No."})
        assert Review.objects.get(pk=draft.pk).status == Review.Status.DRAFT


class TestCachingAndQueries:
    def test_the_visitors_page_with_reviews_is_shareable_and_the_same_for_every_visitor(self, client, essay, reviewed):
        first = client.get(essay.get_absolute_url())
        assert "public" in first["Cache-Control"] and not first.cookies
        assert "Cookie" not in first.get("Vary", "")
        assert "csrfmiddlewaretoken" not in first.content.decode()
        from django.test import Client

        assert Client().get(essay.get_absolute_url()).content == first.content

    @pytest.mark.parametrize("viewer_kind", ["visitor", "member", "teacher", "staff"])
    def test_the_page_costs_the_same_queries_with_one_review_or_five(
        self, client, essay, objectives, member, teacher, staff, viewer_kind, django_assert_max_num_queries
    ):
        viewer = {"visitor": None, "member": member, "teacher": teacher, "staff": staff}[viewer_kind]
        if viewer:
            client.force_login(viewer)
        counts = []
        for total in (0, 1, 5):
            while Review.objects.filter(essay=essay).count() < total:
                marks = {o.pk: 3 for o in objectives}
                publish(essay, marks=marks, stars=1 + Review.objects.count() % 5)
            essay.refresh_from_db()
            client.get(essay.get_absolute_url())  # figures and the like cached first
            with CaptureQueriesContext(connection) as queries:
                page(client, essay)
            counts.append(len(queries))
        with django_assert_max_num_queries(counts[0] + 2):
            page(client, essay)
        assert counts[1] == counts[2], counts
        assert counts[2] <= counts[0] + 2, counts  # the reviews with their teachers, then their marks
        if viewer_kind in ("visitor", "member"):
            # An essay nobody reviewed costs nothing more (one more: the page's rendered parts
            # read by key from the database cache; 7: a member's reading list).
            assert counts[0] <= (4 if viewer is None else 7)


class TestJsonLd:
    def test_aggregate_rating_only_with_published_reviews(self, client, essay, objectives):
        assert "aggregateRating" not in json_ld(page(client, essay))
        publish(essay, teacher=UserFactory(is_verified_teacher=True), publish=False)
        essay.refresh_from_db()
        assert "aggregateRating" not in json_ld(page(client, essay))
        publish(essay, stars=5, strengths="Secret praise zqld", next_steps="Secret advice zqld")
        publish(essay, stars=4)
        publish(essay, stars=4)
        body = page(client, essay)
        data = json_ld(body)
        assert data["aggregateRating"] == {
            "@type": "AggregateRating",
            "ratingValue": 4.3,
            "reviewCount": 3,
            "bestRating": 5,
            "worstRating": 1,
        }
        assert "★★★★☆" in body and "4.3" in body and "from 3 teacher reviews" in body
        head = body[: body.index("</head>")]
        assert "zqld" not in head and "Secret" not in head
