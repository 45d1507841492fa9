"""Every text an essay's new text replaces is kept as an `EssayRevision` (what margin comments
are carried from), whichever way the text changes: the catalogue service a corrected upload
uses, or a moderator editing the body in the admin. The admin shows the earlier texts, read-only.

Nothing here depends on the database vendor: run on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import TestCase
from django.urls import reverse

from redink.catalogue.models import Essay, EssayRevision
from redink.catalogue.services import essay_save_text, essay_set_text, essay_text_saved
from redink.marking.comments import comment_add
from redink.marking.models import MarginComment
from redink.testing.factories import SAMPLE_PARAGRAPHS, UserFactory, committed, make_essay

pytestmark = pytest.mark.django_db

FIRST = "\n\n".join(SAMPLE_PARAGRAPHS)
PASSAGE = "It weighs that evidence and says how far it supports the argument."


def revisions(essay: Essay) -> list[tuple[int, str, int]]:
    return list(EssayRevision.objects.filter(essay=essay).values_list("text_version", "body", "word_count"))


class TestTheService:
    def test_a_new_text_keeps_the_one_it_replaced(self, essay):
        assert (essay.text_version, revisions(essay)) == (1, [])
        words = essay.word_count
        committed(essay_save_text, essay=essay, text=FIRST + "\n\nA sixth paragraph, added later.")
        essay.refresh_from_db()
        assert essay.text_version == 2
        assert revisions(essay) == [(1, FIRST, words)]
        revision = EssayRevision.objects.get(essay=essay)
        assert revision.replaced_at is not None and str(revision) == f"{essay.title} — text version 1"

    def test_each_text_replaced_is_kept_newest_first(self, essay):
        second = FIRST.replace("first reason", "main reason")
        third = second.replace("final judgement", "clear judgement")
        committed(essay_save_text, essay=essay, text=second)
        committed(essay_save_text, essay=essay, text=third)
        essay.refresh_from_db()
        assert (essay.text_version, essay.body) == (3, third)
        assert [(v, body) for v, body, _ in revisions(essay)] == [(2, second), (1, FIRST)]

    def test_the_same_text_again_is_no_new_version(self, essay):
        committed(essay_save_text, essay=essay, text=FIRST.replace("\n\n", "\n\n\n  "))  # the same once normalised
        essay.refresh_from_db()
        assert (essay.text_version, revisions(essay)) == (1, [])

    def test_a_new_essay_has_no_earlier_text(self, section):
        essay = make_essay(section=section, text=FIRST)
        assert revisions(essay) == []
        assert essay_text_saved(essay=essay) is None  # nothing replaced

    def test_setting_a_text_twice_before_saving_keeps_the_saved_one(self, essay):
        essay_set_text(essay=essay, text=FIRST + "\n\nDraft one.")
        essay_set_text(essay=essay, text=FIRST + "\n\nDraft two.")
        essay.save()
        revision = essay_text_saved(essay=essay)
        assert revision is not None and (revision.text_version, revision.body) == (1, FIRST)
        assert revisions(essay) == [(1, FIRST, revision.word_count)]  # not the draft never saved
        assert essay.text_version > 1 and essay.body.endswith("Draft two.")


def form_data(html: str) -> dict[str, str]:
    """What a browser posts from the admin's change form as it was served."""

    class Form(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.data: dict[str, str] = {}
            self.textarea: str | None = None
            self.select: str | None = None
            self.in_form = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            if tag == "form" and a.get("id") == "essay_form":
                self.in_form = True
            if not self.in_form or ("name" not in a and tag != "option"):
                return
            if tag == "input" and a.get("type") not in ("submit", "button", "checkbox", "file"):
                self.data[a["name"]] = a.get("value", "")
            elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
                self.data[a["name"]] = a.get("value", "on")
            elif tag == "textarea":
                self.textarea, self.data[a["name"]] = a["name"], ""
            elif tag == "select":
                self.select = a["name"]
                self.data.setdefault(self.select, "")
            elif tag == "option" and self.select and "selected" in a:
                self.data[self.select] = a.get("value", "")

        def handle_endtag(self, tag: str) -> None:
            if tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None
            elif tag == "form":
                self.in_form = False

        def handle_data(self, data: str) -> None:
            if self.textarea:
                self.data[self.textarea] += data

    parser = Form()
    parser.feed(html)
    # A textarea's first line break is not part of its value.
    for name, value in parser.data.items():
        if value.startswith("\n") and name == "body":
            parser.data[name] = value[1:]
    return parser.data


class TestTheAdmin:
    @pytest.fixture
    def admin_client(self, client):  # type: ignore[no-untyped-def]
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        return client

    def change(self, admin_client, essay: Essay, **changes: str):  # type: ignore[no-untyped-def]
        url = reverse("admin:catalogue_essay_change", args=[essay.pk])
        page = admin_client.get(url)
        assert page.status_code == 200
        data = {**form_data(page.content.decode()), **changes, "_save": "Save"}
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = admin_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        essay.refresh_from_db()
        return response

    def test_a_body_edited_in_the_change_form_keeps_the_text_it_replaced_and_carries_comments(
        self, admin_client, essay, teacher
    ):
        at = essay.body.index(PASSAGE)
        comment = comment_add(
            essay=essay, teacher=teacher, body="Good.", start=at, end=at + len(PASSAGE), quote=PASSAGE, text_version=1
        )
        new_body = "A first line the moderator added.\r\n\r\n" + essay.body.replace("\n", "\r\n")
        self.change(admin_client, essay, body=new_body)
        assert essay.text_version == 2
        assert essay.body == "A first line the moderator added.\n\n" + FIRST
        assert [(v, body) for v, body, _ in revisions(essay)] == [(1, FIRST)]
        comment.refresh_from_db()
        assert (comment.state, comment.text_version) == (MarginComment.State.EXACT, 2)
        assert essay.body[comment.start : comment.end] == PASSAGE
        assert comment.start == at + len("A first line the moderator added.\n\n")

    def test_a_passage_the_moderator_deletes_orphans_its_comment(self, admin_client, essay, teacher):
        at = essay.body.index(PASSAGE)
        comment = comment_add(
            essay=essay, teacher=teacher, body="Good.", start=at, end=at + len(PASSAGE), quote=PASSAGE, text_version=1
        )
        self.change(admin_client, essay, body=essay.body.replace(" " + PASSAGE, ""))
        comment.refresh_from_db()
        assert (comment.state, comment.text_version, comment.exact) == (MarginComment.State.ORPHAN, 1, PASSAGE)

    def test_saving_other_fields_makes_no_revision(self, admin_client, essay, teacher):
        self.change(admin_client, essay, grade="A*")
        assert (essay.grade, essay.text_version, revisions(essay)) == ("A*", 1, [])

    def test_the_change_page_lists_the_earlier_texts_read_only(self, admin_client, essay):
        committed(essay_save_text, essay=essay, text="An entirely new first paragraph.\n\n" + FIRST)
        committed(essay_save_text, essay=essay, text="A third text, short.")
        url = reverse("admin:catalogue_essay_change", args=[essay.pk])
        page = admin_client.get(url).content.decode()
        assert "Earlier texts (every version this essay&#x27;s text replaced)" in page
        assert "An entirely new first paragraph." in page  # the opening of text version 2
        assert FIRST[:100] in page  # and of text version 1
        assert page.index("An entirely new first paragraph.") < page.index(FIRST[:100])  # newest first
        revision = EssayRevision.objects.get(essay=essay, text_version=1)
        detail = admin_client.get(reverse("admin:catalogue_essayrevision_change", args=[revision.pk]))
        assert detail.status_code == 200
        assert 'name="_save"' not in detail.content.decode()  # nothing to change
        assert admin_client.get(reverse("admin:catalogue_essayrevision_add")).status_code == 403
