"""Who the API sees: a token acts as its user without staff powers, the session as on the pages,
nobody as a visitor; a token that is not valid is refused, never taken for a visitor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from redink.api.auth import api_viewer, token_viewer
from redink.api.models import ApiToken, TokenViewer
from redink.api.tokens import token_create, token_revoke
from redink.testing.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("redink.api.tests.probe")]

WHO = "/api/v1/probe/who/"
WRITE = "/api/v1/probe/write/"


def bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_a_visitor_gets_in_as_a_visitor(client):
    answer = client.get(WHO)
    assert answer.status_code == 200
    assert answer.json() == {
        "authenticated": False, "user_id": None, "is_staff": False, "is_superuser": False,
        "can_moderate": False, "reads_everything": False, "token": None,
    }  # fmt: skip


def test_a_token_acts_as_its_user(client, member):
    made = token_create(user=member, name="Revision app", scope="read")
    answer = client.get(WHO, **bearer(made.token)).json()
    assert answer["authenticated"] and answer["user_id"] == member.pk
    assert answer["reads_everything"] and answer["token"] == "Revision app"


def test_the_session_acts_as_on_the_pages(client, staff):
    client.force_login(staff)
    answer = client.get(WHO).json()
    assert answer["user_id"] == staff.pk and answer["is_staff"] and answer["reads_everything"]


def test_a_staff_token_has_no_staff_powers(client):
    admin = UserFactory(display_name="Admin", is_staff=True, is_superuser=True)
    moderator = UserFactory(display_name="Mod", is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="change_submission"))
    for person in (admin, moderator):
        made = token_create(user=person, name="Script", scope="read_write")
        answer = client.get(WHO, **bearer(made.token)).json()
        assert answer["user_id"] == person.pk
        assert not answer["is_staff"] and not answer["is_superuser"] and not answer["can_moderate"]
        assert not answer["reads_everything"], "staff read in full only as staff; a token is not staff"
    admin.refresh_from_db()
    assert admin.is_staff and admin.is_superuser, "the account itself keeps its roles"


def test_a_verified_teachers_token_still_reads_as_a_teacher(client, teacher):
    made = token_create(user=teacher, name="Marking notes", scope="read")
    assert client.get(WHO, **bearer(made.token)).json()["reads_everything"]


def test_the_token_view_of_a_user_is_never_saved(staff):
    viewer = token_viewer(staff)
    assert isinstance(viewer, TokenViewer) and viewer.pk == staff.pk and not viewer.is_staff
    with pytest.raises(TypeError):
        viewer.save()
    with pytest.raises(TypeError):
        viewer.delete()
    assert staff.is_staff, "the user object passed in is not changed"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer rdk_" + "A" * 43,  # well formed, but no such token
        "Bearer rdk_short",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Token rdk_" + "A" * 43,
        "rdk_" + "A" * 43,
        "Bearer rdk_" + "A" * 43 + "\x00",
    ],
)
def test_an_authorization_header_without_a_usable_token_is_refused(client, header):
    answer = client.get(WHO, HTTP_AUTHORIZATION=header)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_token"
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_a_revoked_and_a_deactivated_token_are_refused(client, member, student):
    expired = token_create(user=member, name="Old", scope="read")
    ApiToken.objects.filter(pk=expired.record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = token_create(user=member, name="Lost phone", scope="read")
    token_revoke(user=member, token_id=revoked.record.pk)
    inactive = token_create(user=student, name="Left", scope="read")
    student.is_active = False
    student.save(update_fields=["is_active"])
    for made in (expired, revoked, inactive):
        answer = client.get(WHO, **bearer(made.token))
        assert answer.status_code == 401, made.record.name
        assert "expired or been revoked" in answer.json()["error"]["message"]


def test_a_bad_token_beside_a_good_session_is_still_refused(client, member):
    client.force_login(member)
    assert client.get(WHO, **bearer("rdk_" + "B" * 43)).status_code == 401


def test_writes_need_the_write_scope(client, member):
    reader = token_create(user=member, name="Reader", scope="read")
    writer = token_create(user=member, name="Writer", scope="read_write")
    refused = client.post(WRITE, **bearer(reader.token))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "insufficient_scope"
    assert "read and write" in refused.json()["error"]["message"]
    assert client.post(WRITE, **bearer(writer.token)).json()["user_id"] == member.pk


def test_a_session_write_needs_its_csrf_token(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    refused = browser.post(WRITE)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    csrf = "k" * 32  # what the csrftoken cookie holds, and the site's scripts send back
    browser.cookies["csrftoken"] = csrf
    assert browser.post(WRITE, HTTP_X_CSRFTOKEN=csrf).json()["user_id"] == member.pk


def test_a_token_write_needs_no_csrf_token(member):
    writer = token_create(user=member, name="Writer", scope="read_write")
    assert Client(enforce_csrf_checks=True).post(WRITE, **bearer(writer.token)).status_code == 200


def test_nobody_signed_in_cannot_write(client):
    answer = client.post(WRITE)
    assert answer.status_code == 401


def test_last_used_is_written_at_most_once_a_minute(client, member):
    made = token_create(user=member, name="App", scope="read")
    client.get(WHO, **bearer(made.token))
    first = ApiToken.objects.get(pk=made.record.pk).last_used_at
    assert first is not None
    client.get(WHO, **bearer(made.token))
    assert ApiToken.objects.get(pk=made.record.pk).last_used_at == first
    ApiToken.objects.filter(pk=made.record.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get(WHO, **bearer(made.token))
    assert ApiToken.objects.get(pk=made.record.pk).last_used_at > first


def test_api_viewer_of_a_plain_request_is_its_user(rf, member):
    request = rf.get("/")
    request.user = member
    assert api_viewer(request) is member
