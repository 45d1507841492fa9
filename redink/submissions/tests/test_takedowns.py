"""Takedown requests: the link on every essay page, the form, and moderators withdrawing or answering."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from redink.catalogue.models import Essay
from redink.submissions.models import ModerationEvent, TakedownRequest, TextSignature
from redink.submissions.originality.index import signature_store
from redink.submissions.originality.shingles import shingle
from redink.testing.factories import make_essay

pytestmark = pytest.mark.django_db

CLAIM = {
    "name": "Pat Rights",
    "email": "pat@example.org",
    "claim": "Paragraphs two to four are copied from my published article.",
    "original_url": "example.org/my-article",
    "good_faith": "on",
}


@pytest.fixture
def reported(essay):  # type: ignore[no-untyped-def]
    signature_store(shingled=shingle(essay.body), essay=essay)
    from redink.submissions.services.takedowns import takedown_file

    return takedown_file(essay=essay, name="Pat Rights", email="pat@example.org", claim="It copies my work.")


def test_the_essay_page_links_to_the_form(client, essay):
    page = client.get(essay.get_absolute_url()).content.decode()
    assert f'href="{reverse("submissions:report", args=[essay.slug])}"' in page
    assert "Report this essay" in page


def test_a_rights_holder_files_a_request(client, essay):
    form = client.get(reverse("submissions:report", args=[essay.slug]))
    assert form.status_code == 200 and essay.title in form.content.decode()
    response = client.post(reverse("submissions:report", args=[essay.slug]), CLAIM)
    assert response.status_code == 200 and "we have your request" in response.content.decode()
    request = TakedownRequest.objects.get()
    assert (request.essay, request.name, request.status) == (essay, "Pat Rights", TakedownRequest.Status.OPEN)
    assert request.original_url == "https://example.org/my-article"
    assert ModerationEvent.objects.get(takedown=request).action == ModerationEvent.Action.TAKEDOWN_FILED


def test_the_form_needs_a_claim_and_good_faith(client, essay):
    response = client.post(reverse("submissions:report", args=[essay.slug]), {**CLAIM, "claim": "", "good_faith": ""})
    assert response.content.decode().count("This field is required.") == 2
    assert not TakedownRequest.objects.exists()


def test_only_published_essays_can_be_reported(client, section):
    pending = make_essay(title="Not out yet", section=section, status=Essay.Status.PENDING)
    assert client.get(reverse("submissions:report", args=[pending.slug])).status_code == 404


def test_requests_are_rate_limited(client, essay):
    for _ in range(10):
        client.post(reverse("submissions:report", args=[essay.slug]), CLAIM)
    response = client.post(reverse("submissions:report", args=[essay.slug]), CLAIM)
    page = response.content.decode()
    assert "Too many reports" in page and "please send it again in" in page
    assert TakedownRequest.objects.count() == 10


def test_behind_the_proxy_each_client_has_its_own_limit(client, essay, settings):
    """Counted by the client's address, not the proxy's: a handful of reports from one
    client does not stop takedowns for the whole site."""
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("submissions:report", args=[essay.slug])
    for _ in range(11):
        client.post(url, CLAIM, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert TakedownRequest.objects.count() == 10
    response = client.post(url, CLAIM, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert "Too many reports" not in response.content.decode()
    assert TakedownRequest.objects.count() == 11


def test_moderator_withdraws_the_essay(client, staff, reported, essay, mailoutbox, django_capture_on_commit_callbacks):
    second = TakedownRequest.objects.create(essay=essay, name="Sam", email="sam@example.org", claim="Mine too.")
    word = next(w for w in essay.body.split() if len(w) >= 8 and w.isalpha())
    assert essay.get_absolute_url() in client.get(f"/search/?q={word}").content.decode()
    client.force_login(staff)
    listing = client.get(reverse("submissions:takedowns")).content.decode()
    assert essay.title in listing and "Pat Rights" in listing
    page = client.get(reverse("submissions:takedown", args=[reported.pk])).content.decode()
    assert "It copies my work." in page and "pat@example.org" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("submissions:takedown", args=[reported.pk]), {"action": "withdraw", "note": "Removed, sorry."}
        )
    assert response.status_code == 302
    essay.refresh_from_db()
    assert essay.status == Essay.Status.WITHDRAWN
    client.logout()
    assert client.get(essay.get_absolute_url()).status_code == 410
    assert essay.title not in client.get(essay.section.get_absolute_url()).content.decode()
    assert essay.get_absolute_url() not in client.get(f"/search/?q={word}").content.decode()
    assert essay.get_absolute_url() not in client.get("/sitemap.xml").content.decode()
    assert not TextSignature.objects.filter(essay=essay).exists()
    reported.refresh_from_db()
    second.refresh_from_db()
    assert reported.status == second.status == TakedownRequest.Status.WITHDRAWN
    assert reported.handled_by == staff and reported.handled_at
    event = ModerationEvent.objects.get(takedown=reported, action=ModerationEvent.Action.TAKEDOWN_WITHDRAWN)
    assert event.actor == staff and event.essay == essay and event.note == "Removed, sorry."
    assert sorted(m.to[0] for m in mailoutbox) == ["pat@example.org", "sam@example.org"]
    assert "We have withdrawn the essay" in mailoutbox[0].body


def test_moderator_answers_without_withdrawing(
    client, staff, reported, essay, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    response = client.post(reverse("submissions:takedown", args=[reported.pk]), {"action": "answer", "answer": ""})
    assert response.status_code == 400
    answer = "The passages you list are quotations with references, which the essay may use."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("submissions:takedown", args=[reported.pk]), {"action": "answer", "answer": answer})
    reported.refresh_from_db()
    essay.refresh_from_db()
    assert reported.status == TakedownRequest.Status.ANSWERED and essay.status == Essay.Status.PUBLISHED
    assert ModerationEvent.objects.get(action=ModerationEvent.Action.TAKEDOWN_ANSWERED).actor == staff
    (mail,) = mailoutbox
    assert mail.to == ["pat@example.org"] and answer in mail.body
    # Handled once: a second answer is refused.
    client.post(reverse("submissions:takedown", args=[reported.pk]), {"action": "answer", "answer": "Again"})
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.TAKEDOWN_ANSWERED).count() == 1


def test_the_moderators_note_field_says_optional_once(client, staff, reported):
    client.force_login(staff)
    page = client.get(reverse("submissions:takedown", args=[reported.pk])).content.decode()
    label = re.search(r'<label for="id_note">(.*?)</label>', page, re.S)
    assert label is not None
    assert " ".join(re.sub(r"<[^>]+>", "", label.group(1)).split()) == "Note to the requester (optional)"
    assert page.count("(optional)") == 1


def test_the_log_says_a_visitor_filed_the_request(client, staff, essay, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("submissions:report", args=[essay.slug]), CLAIM)
    request = TakedownRequest.objects.get()
    client.force_login(staff)
    page = client.get(reverse("submissions:takedown", args=[request.pk])).content.decode()
    assert "Takedown request filed by a visitor" in page
    assert "by the system" not in page


def test_a_signed_in_requester_is_named_in_the_log(client, staff, student, essay):
    client.force_login(student)
    client.post(reverse("submissions:report", args=[essay.slug]), CLAIM)
    request = TakedownRequest.objects.get()
    client.force_login(staff)
    page = client.get(reverse("submissions:takedown", args=[request.pk])).content.decode()
    assert f"Takedown request filed by {student.public_name}" in page


def test_the_requester_is_sent_an_acknowledgement_with_a_reference(
    client, essay, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8103"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:report", args=[essay.slug]), CLAIM)
    request = TakedownRequest.objects.get()
    assert request.reference == f"TD-{request.pk}"
    assert request.reference in response.content.decode(), "the page gives the reference too"
    (mail,) = mailoutbox
    assert mail.to == ["pat@example.org"]
    assert request.reference in mail.subject and essay.title in mail.subject
    assert request.reference in mail.body and f"http://127.0.0.1:8103{essay.get_absolute_url()}" in mail.body
    # Nothing the form's sender typed is mailed back: the form is not a way to send anyone a message.
    assert CLAIM["claim"] not in mail.body and CLAIM["name"] not in mail.body
    request.refresh_from_db()
    assert request.acknowledged_at is not None
    # Sent once, however often the task runs.
    from redink.submissions.tasks import send_takedown_acknowledgement

    send_takedown_acknowledgement.call(request.pk)
    assert len(mailoutbox) == 1


def test_acknowledgements_are_limited_per_recipient_address(
    client, staff, essay, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """One address cannot be sent a stream of e-mails through the form: past the day's limit the
    requests are still filed, and the moderators see that no acknowledgement went."""
    settings.REDINK_TAKEDOWN_ACKS_PER_EMAIL_PER_DAY = 2
    url = reverse("submissions:report", args=[essay.slug])
    addresses = ["victim@example.org", "Victim@Example.org", "victim+2@example.org", "other@example.org"]
    for n, address in enumerate(addresses):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {**CLAIM, "email": address}, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert TakedownRequest.objects.count() == 4
    assert [m.to[0] for m in mailoutbox] == ["victim@example.org", "Victim@Example.org", "other@example.org"]
    unacknowledged = TakedownRequest.objects.get(email="victim+2@example.org")
    assert unacknowledged.acknowledged_at is None
    client.force_login(staff)
    page = client.get(reverse("submissions:takedown", args=[unacknowledged.pk])).content.decode()
    assert "No acknowledgement was sent" in page
