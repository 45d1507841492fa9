"""The essay page reads the essay, the reader's membership and its Save state in one query
compiled once per process: each request must still get its own reader's answers, now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from redink.catalogue.models import Essay
from redink.reading.models import SavedEssay
from redink.testing.factories import UserFactory, grant_membership, make_essay

from .test_query_counts import page_own

pytestmark = pytest.mark.django_db

LAST_LINE = "The closing paragraph that only a member may read."


def essay_with_ending(section) -> Essay:  # type: ignore[no-untyped-def]
    body = "\n\n".join([f"Paragraph {n} of the argument, with words enough to count. " * 30 for n in range(8)])
    return make_essay(section=section, title="On the compiled page", text=body + "\n\n" + LAST_LINE)


def test_two_members_one_after_the_other_each_see_their_own_save_state(client, section):
    essay = essay_with_ending(section)
    saver, other = UserFactory(), UserFactory()
    grant_membership(saver)
    grant_membership(other)
    item = SavedEssay.objects.create(user=saver, essay=essay)

    client.force_login(saver)
    saver_page = client.get(essay.get_absolute_url()).content.decode()
    client.force_login(other)
    other_page = client.get(essay.get_absolute_url()).content.decode()

    assert f"/reading-list/{item.pk}/remove/" in saver_page
    assert "Remove<span" in saver_page and "Remove<span" not in other_page
    assert LAST_LINE in saver_page and LAST_LINE in other_page


def test_a_membership_that_ends_after_an_earlier_page_shows_the_preview(client, section):
    essay = essay_with_ending(section)
    reader = UserFactory()
    entitlement = grant_membership(reader)
    client.force_login(reader)
    assert LAST_LINE in client.get(essay.get_absolute_url()).content.decode()

    entitlement.ends_at = timezone.now() - timedelta(seconds=1)
    entitlement.save()
    page = client.get(essay.get_absolute_url()).content.decode()

    assert LAST_LINE not in page
    assert "Remove<span" not in page  # and nothing saved


def test_a_members_page_asks_one_query_for_the_essay_membership_and_save_state(client, section, member):
    essay = essay_with_ending(section)
    client.force_login(member)
    client.get(essay.get_absolute_url())  # the library's figures and the kept parts, once
    with CaptureQueriesContext(connection) as queries:
        page = client.get(essay.get_absolute_url())
    own = page_own(queries.captured_queries)

    assert LAST_LINE in page.content.decode()
    assert not [sql for sql in own if "access_entitlement" in sql and "catalogue_essay" not in sql], own
    assert not [sql for sql in own if "reading_savedessay" in sql and "catalogue_essay" not in sql], own


def test_a_pending_essay_is_not_found_and_a_wrong_slug_says_so(client, section, member):
    essay = essay_with_ending(section)
    Essay.objects.filter(pk=essay.pk).update(status=Essay.Status.PENDING)
    client.force_login(member)

    assert client.get(essay.get_absolute_url()).status_code == 404
    missing = client.get("/essays/no-such-essay-here/")
    assert missing.status_code == 404
