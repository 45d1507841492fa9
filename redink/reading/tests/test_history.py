"""Reading history: recorded by the reading beacon for a signed-in reader who has it on, one row
per essay, 90 days at most, cleared or switched off from the account page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from redink.catalogue.models import Essay
from redink.reading import services
from redink.reading.models import ReadingHistoryEntry
from redink.testing import factories

pytestmark = pytest.mark.django_db


def beacon(client, essay, **headers):  # type: ignore[no-untyped-def]
    response = client.post(f"/essays/{essay.slug}/read/", **headers)
    assert response.status_code == 204
    return response


def test_the_beacon_records_a_signed_in_readers_history(client, student, essay):
    client.force_login(student)
    beacon(client, essay)
    page = client.get("/reading-history/").content.decode()
    assert essay.title in page
    first = ReadingHistoryEntry.objects.get(user=student, essay=essay).read_at
    beacon(client, essay)
    entries = ReadingHistoryEntry.objects.filter(user=student)
    assert entries.count() == 1, "one row per essay, with the last read time"
    assert entries.get().read_at >= first


def test_visitors_and_other_sites_pages_record_nothing(client, student, essay):
    beacon(client, essay)
    client.force_login(student)
    beacon(client, essay, HTTP_SEC_FETCH_SITE="cross-site")
    assert not ReadingHistoryEntry.objects.exists()


def test_newest_first_and_only_published(client, student, section):
    first = factories.make_essay(section=section, title="Read first, a while ago")
    second = factories.make_essay(section=section, title="Read second, just now")
    gone = factories.make_essay(section=section, title="Read, then withdrawn")
    now = timezone.now()
    services.reading_history_record(user=student, essay_id=first.pk, now=now - timedelta(days=2))
    services.reading_history_record(user=student, essay_id=gone.pk, now=now - timedelta(days=1))
    services.reading_history_record(user=student, essay_id=second.pk, now=now)
    Essay.objects.filter(pk=gone.pk).update(status=Essay.Status.WITHDRAWN)
    client.force_login(student)
    page = client.get("/reading-history/").content.decode()
    assert page.index(second.title) < page.index(first.title)
    assert gone.title not in page


def test_nothing_older_than_90_days_is_shown_or_kept(client, student, section):
    old = factories.make_essay(section=section, title="Read a long time ago")
    recent = factories.make_essay(section=section, title="Read recently")
    other = factories.UserFactory()
    now = timezone.now()
    ReadingHistoryEntry.objects.create(user=student, essay=old, read_at=now - timedelta(days=91))
    ReadingHistoryEntry.objects.create(user=other, essay=old, read_at=now - timedelta(days=95))
    client.force_login(student)
    assert "Read a long time ago" not in client.get("/reading-history/").content.decode()
    services.reading_history_record(user=student, essay_id=recent.pk, now=now)
    assert list(ReadingHistoryEntry.objects.values_list("essay", flat=True)) == [recent.pk]


def test_clearing_the_history(client, student, essay):
    other = factories.UserFactory()
    services.reading_history_record(user=student, essay_id=essay.pk)
    services.reading_history_record(user=other, essay_id=essay.pk)
    client.force_login(student)
    response = client.post("/reading-history/clear/", {"next": "/reading-history/"}, follow=True)
    assert "Your reading history has been cleared." in response.content.decode()
    assert essay.title not in response.content.decode().split("<h1>", 1)[1]
    assert list(ReadingHistoryEntry.objects.values_list("user", flat=True)) == [other.pk], "only their own"


def test_switching_history_off_deletes_it_and_records_nothing_more(client, student, essay):
    client.force_login(student)
    beacon(client, essay)
    account = client.get("/accounts/").content.decode()
    assert 'id="reading-history-on" name="history" value="on" checked' in account
    response = client.post("/reading-history/setting/", {"next": "/accounts/"}, follow=True)
    assert "Reading history is off" in response.content.decode()
    assert not ReadingHistoryEntry.objects.exists()
    beacon(client, essay)
    assert not ReadingHistoryEntry.objects.exists()
    assert "Reading history is off" in client.get("/reading-history/").content.decode()

    client.post("/reading-history/setting/", {"history": "on"})
    beacon(client, essay)
    assert ReadingHistoryEntry.objects.filter(user=student).count() == 1


def test_the_account_page_shows_the_reading_section(client, student, essay):
    services.reading_list_save(user=student, essay=essay)
    client.force_login(student)
    page = client.get("/accounts/").content.decode()
    assert '<h2 id="reading-heading">Reading list and history</h2>' in page
    assert "(1 essay saved)" in page


def test_history_pages_need_a_login_and_show_only_ones_own(client, student, essay):
    assert client.get("/reading-history/").status_code == 302
    assert client.post("/reading-history/clear/").status_code == 302
    other = factories.UserFactory()
    services.reading_history_record(user=other, essay_id=essay.pk)
    client.force_login(student)
    assert essay.title not in client.get("/reading-history/").content.decode().split("<h1>", 1)[1]
