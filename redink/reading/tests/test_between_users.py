"""Nobody reaches another user's own space: their reading list and notes, their reading history
and its setting, their profile settings and e-mail choices. Each page reads only the signed-in
user; where an address carries an id, another user's id answers 404 and changes nothing, and a
form given someone else's id in a field still changes only the sender's own data."""

from __future__ import annotations

import pytest

from redink.privacy.mail import email_preferences
from redink.reading import selectors, services
from redink.reading.models import ReadingHistoryEntry, SavedEssay
from redink.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(display_name="Owner Of The List")


@pytest.fixture
def intruder(db):  # type: ignore[no-untyped-def]
    return factories.UserFactory(display_name="Someone Else")


@pytest.fixture
def owners_space(owner, section):  # type: ignore[no-untyped-def]
    """The owner's list (with a private note) and history, each on its own essay."""
    listed = factories.make_essay(section=section, title="An essay the owner saved")
    read = factories.make_essay(section=section, title="An essay the owner read")
    item = services.reading_list_save(user=owner, essay=listed)
    services.reading_list_note_set(user=owner, item_id=item.pk, note="owner's private note")
    services.reading_history_record(user=owner, essay_id=read.pk)
    return item


def test_the_list_and_history_pages_show_only_the_signed_in_users_own(client, intruder, owners_space):
    client.force_login(intruder)
    for path in ["/reading-list/", "/reading-history/", "/accounts/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert "Someone Else" in page, path
        assert "An essay the owner saved" not in page, path
        assert "An essay the owner read" not in page, path
        assert "owner's private note" not in page, path
        assert "Owner Of The List" not in page, path


@pytest.mark.parametrize("action", ["note", "remove"])
def test_another_users_list_item_answers_404_and_is_unchanged(client, intruder, owner, owners_space, action):
    client.force_login(intruder)
    response = client.post(f"/reading-list/{owners_space.pk}/{action}/", {"note": "defaced"})
    assert response.status_code == 404
    item = SavedEssay.objects.get(pk=owners_space.pk)
    assert (item.user, item.note) == (owner, "owner's private note")


def test_clearing_or_switching_off_history_touches_only_ones_own(client, intruder, owner, owners_space):
    client.force_login(intruder)
    client.post("/reading-history/clear/", {"user": owner.pk})
    client.post("/reading-history/setting/", {"user": owner.pk})
    assert ReadingHistoryEntry.objects.filter(user=owner).count() == 1
    assert selectors.reading_history_enabled(user=owner)


def test_profile_and_email_forms_given_another_users_id_change_only_the_sender(client, intruder, owner):
    client.force_login(intruder)
    client.post(
        "/accounts/profile/",
        {"display_name": "Renamed Intruder", "profile_public": "on", "id": owner.pk, "user": owner.pk},
    )
    client.post("/privacy/email-preferences/", {"kinds": [], "user": owner.pk})
    client.post("/accounts/profile/avatar/remove/", {"user": owner.pk})
    owner.refresh_from_db()
    intruder.refresh_from_db()
    assert owner.display_name == "Owner Of The List"
    assert intruder.display_name == "Renamed Intruder"
    assert all(email_preferences(user=owner).values()), "the owner's e-mail choices are untouched"
    assert not any(email_preferences(user=intruder).values())


def test_the_pages_of_ones_own_space_need_a_login(client, owners_space):
    for path in ["/reading-list/", "/reading-history/", "/accounts/", "/accounts/profile/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    for path in [f"/reading-list/{owners_space.pk}/remove/", "/reading-history/clear/", "/privacy/email-preferences/"]:
        response = client.post(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    assert SavedEssay.objects.filter(pk=owners_space.pk).exists()
