"""A teacher's comment bank at /teach/comments/: listing, adding (with an optional objective
code), deleting, and adding from the review page's script."""

from __future__ import annotations

import pytest

from redink.marking.models import BankComment
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

BANK = "/teach/comments/"


def test_a_visitor_is_sent_to_log_in_and_a_student_is_refused(client, student):
    assert client.get(BANK)["Location"].startswith("/accounts/login/")
    client.force_login(student)
    assert client.get(BANK).status_code == 403
    assert client.post(BANK, {"text": "Sneaky"}).status_code == 403
    assert not BankComment.objects.exists()


def test_a_teacher_lists_only_their_own_comments(client, teacher):
    BankComment.objects.create(teacher=teacher, text="Integrate your quotations.", objective_code="AO2")
    BankComment.objects.create(teacher=teacher, text="A clear conclusion.")
    BankComment.objects.create(teacher=UserFactory(is_verified_teacher=True), text="Another teacher's words.")
    client.force_login(teacher)
    body = client.get(BANK).content.decode()
    assert "2 comments" in body
    assert "Integrate your quotations." in body and "A clear conclusion." in body
    assert '<span class="code-tag">AO2</span>' in body and ">General</span>" in body
    assert "Another teacher" not in body


def test_adding_a_comment_with_an_objective_code(client, teacher, essay):
    from redink.marking.models import AssessmentObjective

    AssessmentObjective.objects.create(subject=essay.subject, code="AO3", title="Context", max_marks=6)
    client.force_login(teacher)
    assert '<option value="AO3">' in client.get(BANK).content.decode()  # codes offered as you type
    response = client.post(BANK, {"text": "  Say how the context shaped the writer.  ", "objective_code": "ao3"})
    assert response.status_code == 302 and response["Location"] == BANK
    comment = BankComment.objects.get()
    assert (comment.teacher, comment.text, comment.objective_code) == (
        teacher,
        "Say how the context shaped the writer.",
        "AO3",
    )
    assert "Comment saved to your bank." in client.get(BANK).content.decode()


def test_an_empty_comment_is_refused_under_its_field(client, teacher):
    client.force_login(teacher)
    response = client.post(BANK, {"text": "   ", "objective_code": "AO1"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write the comment you want to reuse." in body and 'value="AO1"' in body
    assert not BankComment.objects.exists()


def test_deleting_only_ones_own_comment(client, teacher):
    mine = BankComment.objects.create(teacher=teacher, text="Mine")
    theirs = BankComment.objects.create(teacher=UserFactory(is_verified_teacher=True), text="Theirs")
    client.force_login(teacher)
    assert client.get(f"{BANK}{mine.pk}/delete/").status_code == 405
    assert client.post(f"{BANK}{theirs.pk}/delete/").status_code == 302
    assert BankComment.objects.filter(pk=theirs.pk).exists()
    assert "That comment was not in your bank." in client.get(BANK).content.decode()
    client.post(f"{BANK}{mine.pk}/delete/")
    assert not BankComment.objects.filter(pk=mine.pk).exists()
    assert "Comment deleted from your bank." in client.get(BANK).content.decode()


def test_the_review_page_script_adds_a_comment_and_gets_it_back_as_json(client, teacher):
    client.force_login(teacher)
    response = client.post(BANK, {"text": "Signpost each paragraph."}, headers={"accept": "application/json"})
    assert response.status_code == 201
    comment = BankComment.objects.get()
    assert response.json() == {"id": comment.pk, "text": "Signpost each paragraph.", "objective_code": ""}
    refused = client.post(BANK, {"text": ""}, headers={"accept": "application/json"})
    assert refused.status_code == 400 and "text" in refused.json()["errors"]


def test_the_bank_page_is_never_cached(client, teacher):
    client.force_login(teacher)
    assert "no-store" in client.get(BANK)["Cache-Control"]
