"""The account loaded from the session by its compiled query (`user_query`) is the account as it
is now: a new display name shows on the next page, a deactivated account is signed out, and a
group's members are still only that group's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from redink.accounts.models import User
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_header_names_the_account_as_it_is_now(client):
    member = UserFactory(display_name="Ada Lovelace")
    client.force_login(member)
    assert "Ada Lovelace" in client.get("/contact/").content.decode()
    User.objects.filter(pk=member.pk).update(display_name="Ada King")
    page = client.get("/contact/").content.decode()
    assert "Ada King" in page
    assert "Ada Lovelace" not in page


def test_a_deactivated_account_is_signed_out_on_its_next_page(client):
    member = UserFactory()
    client.force_login(member)
    assert client.get("/accounts/").status_code == 200
    User.objects.filter(pk=member.pk).update(is_active=False)
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_removed_account_is_signed_out_and_not_an_error(client):
    member = UserFactory()
    client.force_login(member)
    User.objects.filter(pk=member.pk).delete()
    assert client.get("/accounts/").status_code == 302


def test_lookups_by_id_answer_as_django_does():
    member = UserFactory(email="grace@example.org")
    found = User.objects.get(pk=member.pk)
    assert (found.email, found.display_name, found.date_joined) == (
        member.email,
        member.display_name,
        member.date_joined,
    )
    found.display_name = "Grace Hopper"
    found.save()  # an instance from the compiled query saves as any other
    assert User.objects.get(email="grace@example.org").display_name == "Grace Hopper"
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=member.pk + 1000)


def test_a_groups_members_by_id_are_only_its_own():
    moderators = Group.objects.create(name="Moderators")
    inside, outside = UserFactory(), UserFactory()
    inside.groups.add(moderators)
    assert moderators.user_set.get(pk=inside.pk) == inside
    with pytest.raises(User.DoesNotExist):
        moderators.user_set.get(pk=outside.pk)
