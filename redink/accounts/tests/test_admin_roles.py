"""In the admin, a moderator who may edit users cannot give anyone, themselves included, staff or
superuser powers; a superuser can."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from redink.testing import factories


def _change(client, user, **roles):  # type: ignore[no-untyped-def]
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2024-01-01",
        "initial-date_joined_1": "10:00:00",
        "previous_names-TOTAL_FORMS": "0",
        "previous_names-INITIAL_FORMS": "0",
        **{name: "on" for name, on in roles.items() if on},
    }
    return client.post(f"/admin/accounts/user/{user.pk}/change/", data)


@pytest.mark.django_db
def test_a_moderator_who_edits_users_cannot_make_themselves_a_superuser(client):  # type: ignore[no-untyped-def]
    moderator = factories.UserFactory(display_name="Queue Keeper", is_staff=True)
    moderator.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(moderator)
    response = _change(client, moderator, is_staff=True, is_superuser=True)
    assert response.status_code == 302  # the other fields were saved
    moderator.refresh_from_db()
    assert not moderator.is_superuser
    assert moderator.is_staff  # and a read-only field is not switched off either


@pytest.mark.django_db
def test_a_superuser_can_give_the_staff_role(client):  # type: ignore[no-untyped-def]
    admin_user = factories.UserFactory(display_name="Site Keeper", is_staff=True, is_superuser=True)
    student = factories.UserFactory(display_name="Someone")
    client.force_login(admin_user)
    response = _change(client, student, is_staff=True)
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.is_staff and not student.is_superuser
