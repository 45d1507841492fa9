from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from redink.access.selectors import user_has_membership
from redink.access.visibility import essay_text_for

pytestmark = pytest.mark.django_db


def test_grant_membership_gives_full_access_for_n_days(student, essay):
    assert essay_text_for(essay=essay, viewer=student).kind == "preview"
    call_command("grant_membership", student.email.upper(), "--days", "7")
    student = type(student).objects.get(pk=student.pk)
    assert user_has_membership(user=student)
    entitlement = student.entitlements.get()
    assert entitlement.source == "grant"
    assert timedelta(days=6, hours=23) < entitlement.ends_at - timezone.now() <= timedelta(days=7)
    assert essay_text_for(essay=essay, viewer=student).kind == "full"


def test_grant_membership_rejects_unknown_users_and_bad_days(student):
    with pytest.raises(CommandError, match="No account"):
        call_command("grant_membership", "nobody@example.org", "--days", "7")
    with pytest.raises(CommandError, match="positive"):
        call_command("grant_membership", student.email, "--days", "0")


def test_staff_can_grant_in_the_admin(client, staff, student):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    now = timezone.now()
    response = client.post(
        "/admin/access/entitlement/add/",
        {
            "user": student.pk,
            "source": "grant",
            "reference": "prize",
            "starts_at_0": now.strftime("%Y-%m-%d"),
            "starts_at_1": "00:00:00",
            "ends_at_0": (now + timedelta(days=30)).strftime("%Y-%m-%d"),
            "ends_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert user_has_membership(user=type(student).objects.get(pk=student.pk))
