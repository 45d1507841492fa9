"""Margin comments on the essay page: highlights with numbered links for those who read the whole
essay, a count for everyone else; a teacher's form without JavaScript (a whole paragraph); editing,
deleting, moving; moderators hiding; the lists of comments that lost their passage; the page's
queries stay the same however many comments there are."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redink.catalogue.services import essay_save_text
from redink.marking.comments import comment_add, comment_hide
from redink.marking.models import BankComment, MarginComment, MarkingEvent
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Say more about the Truman Doctrine here zqmargin"


def passage(essay, words: str):  # type: ignore[no-untyped-def]
    start = essay.body.index(words)
    return start, start + len(words)


@pytest.fixture
def commented(essay, teacher):  # type: ignore[no-untyped-def]
    words = essay.paragraphs[-1].split(". ")[0]
    start, end = passage(essay, words)
    comment = comment_add(
        essay=essay, teacher=teacher, body=SECRET, start=start, end=end, text_version=essay.text_version
    )
    essay.refresh_from_db()
    return comment


def get(client, essay, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(essay.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


class TestWhoSeesWhat:
    def test_a_member_sees_the_highlight_linked_to_its_comment(self, client, essay, member, commented):
        client.force_login(member)
        body = get(client, essay)
        mark = re.search(
            r'<mark class="passage">(.*?)</mark><a class="note-ref" id="ref-(\d+)" href="#comment-(\d+)"', body
        )
        assert mark and mark.group(1) == commented.exact
        assert mark.group(2) == mark.group(3) == str(commented.pk)
        assert f'id="comment-{commented.pk}"' in body and SECRET in body
        assert f'href="#ref-{commented.pk}"' in body  # and back from the comment to its passage
        assert "Annotated by experienced teachers: 1 comment" in body

    @pytest.mark.parametrize("who", ["visitor", "student"])
    def test_visitors_and_free_students_see_only_the_count(self, client, essay, student, commented, who):
        if who == "student":
            client.force_login(student)
        body = get(client, essay)
        assert "Annotated by experienced teachers: 1 comment" in body
        assert SECRET not in body and "margin-note" not in body and "<mark" not in body

    def test_the_author_sees_the_comments_on_their_essay(self, client, essay, commented):
        author = UserFactory(display_name="Essay Author")
        essay.author = author
        essay.save(update_fields=["author"])
        client.force_login(author)
        assert SECRET in get(client, essay)

    def test_a_hidden_comment_is_shown_only_to_its_teacher_and_moderators(
        self, client, essay, member, teacher, staff, commented
    ):
        comment_hide(comment=commented, moderator=staff, reason="Too harsh for a fourteen-year-old")
        essay.refresh_from_db()
        client.force_login(member)
        body = get(client, essay)
        assert SECRET not in body and "Annotated by experienced teachers" not in body
        for viewer in (teacher, staff):
            client.force_login(viewer)
            body = get(client, essay)
            assert SECRET in body and "Too harsh for a fourteen-year-old" in body
        event = MarkingEvent.objects.get(action=MarkingEvent.Action.COMMENT_HIDDEN)
        assert event.comment == commented and event.actor == staff


class TestTeacherForm:
    def test_without_javascript_a_comment_goes_on_a_whole_paragraph(self, client, essay, teacher):
        client.force_login(teacher)
        body = get(client, essay)
        assert 'id="comment-composer"' in body and 'name="paragraph"' in body
        response = client.post(
            f"/teach/essays/{essay.slug}/comments/",
            {"paragraph": "2", "body": "A strong paragraph.", "text_version": essay.text_version},
        )
        comment = MarginComment.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
        assert comment.exact == essay.paragraphs[1] and comment.state == "exact"

    def test_a_selection_from_the_browser_is_stored_with_both_selectors(self, client, essay, teacher):
        client.force_login(teacher)
        words = essay.paragraphs[1].split(". ")[0]
        start, end = passage(essay, words)
        client.post(
            f"/teach/essays/{essay.slug}/comments/",
            {"start": start, "end": end, "quote": words, "body": "Good.", "text_version": essay.text_version},
        )
        comment = MarginComment.objects.get()
        assert (comment.start, comment.end, comment.exact) == (start, end, words)
        assert essay.body[start - len(comment.prefix) : start] == comment.prefix and len(comment.prefix) == 32

    def test_a_bank_comment_is_used_when_the_box_is_empty(self, client, essay, teacher):
        saved = BankComment.objects.create(teacher=teacher, text="Embed the quotation in your own sentence.")
        client.force_login(teacher)
        assert "Embed the quotation in your own sentence." in get(client, essay)
        client.post(
            f"/teach/essays/{essay.slug}/comments/",
            {"paragraph": "1", "body": "", "bank": saved.pk, "text_version": essay.text_version},
        )
        assert MarginComment.objects.get().body == saved.text

    def test_a_refused_comment_keeps_what_was_written(self, client, essay, teacher):
        client.force_login(teacher)
        response = client.post(
            f"/teach/essays/{essay.slug}/comments/",
            {"paragraph": "1", "body": "My careful comment", "text_version": essay.text_version - 1 or 99},
            follow=True,
        )
        body = response.content.decode()
        assert not MarginComment.objects.exists()
        assert "text has changed since you opened it" in body
        assert "My careful comment</textarea>" in body

    def test_visitors_students_and_members_may_not_comment(self, client, essay, member):
        url = f"/teach/essays/{essay.slug}/comments/"
        data = {"paragraph": "1", "body": "x", "text_version": essay.text_version}
        assert client.post(url, data).status_code == 302  # to log in
        client.force_login(member)
        assert client.post(url, data).status_code == 403
        assert 'id="comment-composer"' not in get(client, essay)
        assert not MarginComment.objects.exists()

    def test_a_teacher_edits_and_deletes_their_own_comment_only(self, client, essay, teacher, commented):
        other = UserFactory(is_verified_teacher=True)
        client.force_login(other)
        assert client.post(f"/teach/margin-comments/{commented.pk}/delete/").status_code == 404
        client.force_login(teacher)
        client.post(f"/teach/margin-comments/{commented.pk}/edit/", {"body": "Rewritten."})
        commented.refresh_from_db()
        assert commented.body == "Rewritten."
        client.post(f"/teach/margin-comments/{commented.pk}/delete/")
        assert not MarginComment.objects.exists()
        essay.refresh_from_db()
        assert essay.comment_count == 0


class TestLostComments:
    @pytest.fixture
    def orphan(self, essay, commented):  # type: ignore[no-untyped-def]
        essay_save_text(essay=essay, text="\n\n".join(essay.paragraphs[:-1]))
        commented.refresh_from_db()
        assert commented.state == "orphan"
        return commented

    def test_the_teacher_and_moderators_see_it_with_its_quote(self, client, essay, teacher, staff, orphan):
        client.force_login(teacher)
        body = client.get("/teach/lost-comments/").content.decode()
        assert "Comments that lost their passage" in body and orphan.exact in body and SECRET in body
        assert f"?reattach={orphan.pk}" in body
        client.force_login(staff)
        body = client.get("/moderation/lost-comments/").content.decode()
        assert orphan.exact in body and teacher.public_name in body

    def test_it_leaves_the_page_and_the_count(self, client, essay, member, orphan):
        essay.refresh_from_db()
        assert essay.comment_count == 0
        client.force_login(member)
        assert SECRET not in get(client, essay)

    def test_the_teacher_reattaches_it_to_a_paragraph(self, client, essay, teacher, orphan):
        client.force_login(teacher)
        essay.refresh_from_db()
        body = get(client, essay, f"?reattach={orphan.pk}")
        assert "Move your comment to a new passage" in body
        client.post(
            f"/teach/margin-comments/{orphan.pk}/reattach/",
            {"paragraph": "1", "text_version": essay.text_version},
        )
        orphan.refresh_from_db()
        assert orphan.state == "exact" and orphan.exact == essay.paragraphs[0]
        assert MarkingEvent.objects.filter(action=MarkingEvent.Action.COMMENT_REATTACHED, comment=orphan).exists()


@pytest.mark.parametrize("viewer_kind", ["visitor", "member", "teacher"])
def test_the_page_costs_the_same_queries_with_one_comment_or_fifty(client, essay, member, teacher, viewer_kind):
    viewer = {"visitor": None, "member": member, "teacher": teacher}[viewer_kind]
    if viewer:
        client.force_login(viewer)
    writer = UserFactory(is_verified_teacher=True)
    counts = []
    for total in (1, 50):
        while MarginComment.objects.count() < total:
            n = MarginComment.objects.count()
            comment_add(
                essay=essay, teacher=writer, body=f"Comment {n}", start=n, end=n + 5, text_version=essay.text_version
            )
        essay.refresh_from_db()
        get(client, essay)
        with CaptureQueriesContext(connection) as queries:
            body = get(client, essay)
        counts.append(len(queries))
        if viewer_kind != "visitor":
            assert body.count('<li class="margin-note') == total
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10
