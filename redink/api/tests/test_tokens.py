"""Personal access tokens: made on the account page and shown once, stored hashed, listed with
their last use, revoked after a confirmation; in the data export and gone with the account."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from redink.accounts.deletion import account_delete
from redink.api.models import ApiToken
from redink.api.tokens import (
    MAX_USABLE_TOKENS,
    TOKEN_PATTERN,
    TokenRefused,
    token_create,
    token_lookup,
    token_revoke,
)
from redink.privacy.export import user_data
from redink.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS = "/accounts/tokens/"


def create(client, **data):  # type: ignore[no-untyped-def]
    return client.post(TOKENS, {"name": "Revision app", "scope": "read", "days": "90", **data})


class TestTheService:
    def test_a_token_is_returned_once_and_only_its_hash_is_kept(self, member):
        made = token_create(user=member, name="  My   app ", scope="read")
        assert TOKEN_PATTERN.match(made.token) and made.token.startswith("rdk_")
        row = ApiToken.objects.get(pk=made.record.pk)
        assert row.name == "My app"
        assert row.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
        assert row.hint == made.token[-4:]
        stored = json.dumps(list(ApiToken.objects.values()), default=str)
        assert made.token not in stored and made.token[4:-4] not in stored
        assert token_lookup(made.token) == row

    def test_it_expires_after_90_days_unless_told_otherwise(self, member):
        made = token_create(user=member, name="App", scope="read_write")
        assert timedelta(days=89, hours=23) < made.record.expires_at - timezone.now() <= timedelta(days=90)
        week = token_create(user=member, name="Week", scope="read", days=7)
        assert week.record.expires_at - timezone.now() <= timedelta(days=7)

    @pytest.mark.parametrize(
        ("name", "scope", "days"),
        [("", "read", 90), ("x" * 101, "read", 90), ("App", "admin", 90), ("App", "read", 0), ("App", "read", 366)],
    )
    def test_bad_requests_are_refused(self, member, name, scope, days):
        with pytest.raises(TokenRefused):
            token_create(user=member, name=name, scope=scope, days=days)
        assert not ApiToken.objects.exists()

    def test_an_account_has_at_most_so_many_tokens_in_use(self, member):
        for n in range(MAX_USABLE_TOKENS):
            token_create(user=member, name=f"App {n}", scope="read")
        with pytest.raises(TokenRefused, match="Revoke one"):
            token_create(user=member, name="One more", scope="read")
        token_revoke(user=member, token_id=ApiToken.objects.first().pk)  # type: ignore[union-attr]
        token_create(user=member, name="One more", scope="read")

    def test_nobody_revokes_someone_elses_token(self, member, student):
        made = token_create(user=member, name="Mine", scope="read")
        assert token_revoke(user=student, token_id=made.record.pk) is None
        assert token_lookup(made.token) is not None
        assert token_revoke(user=member, token_id=made.record.pk) is not None
        assert token_lookup(made.token) is None

    def test_each_token_is_different(self, member):
        texts = {token_create(user=member, name=f"App {n}", scope="read").token for n in range(5)}
        assert len(texts) == 5


class TestTheAccountPage:
    def test_a_visitor_is_sent_to_log_in(self, client):
        answer = client.get(TOKENS)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]

    def test_the_account_overview_links_to_the_tokens(self, client, member):
        client.force_login(member)
        token_create(user=member, name="App", scope="read")
        page = client.get("/accounts/").content.decode()
        assert "Apps and API tokens" in page and 'href="/accounts/tokens/"' in page
        assert "You have 1 token in use" in page

    def test_create_shows_the_token_once(self, client, member):
        client.force_login(member)
        answer = create(client, name="Phone app", scope="read_write", days="30")
        assert answer.status_code == 200
        assert "no-store" in answer["Cache-Control"]
        row = ApiToken.objects.get(user=member)
        text = answer.content.decode()
        shown = text.split('id="new-token" value="', 1)[1].split('"', 1)[0]
        assert hashlib.sha256(shown.encode()).hexdigest() == row.token_hash
        assert "only time it is shown" in text
        assert row.scope == "read_write" and row.name == "Phone app"
        listing = client.get(TOKENS).content.decode()
        assert "Phone app" in listing and f"…{row.hint}" in listing and "Never" in listing
        assert shown not in listing, "the list never shows a token again"
        assert shown not in json.dumps(dict(client.session.items()), default=str)

    @pytest.mark.parametrize(
        "data",
        [
            {"name": ""},
            {"scope": "superuser"},
            {"days": "0"},
            {"days": "366"},
            {"days": "ninety"},
            {"days": "1e9"},
            {"name": "x" * 500},
            {"name": "App\x00"},
        ],
    )
    def test_bad_input_is_a_clear_message_never_a_server_error(self, client, member, data):
        client.force_login(member)
        answer = create(client, **data)
        assert answer.status_code == 400
        assert 'role="alert"' in answer.content.decode()
        assert not ApiToken.objects.exists()

    def test_the_list_shows_last_use_and_state(self, client, member):
        client.force_login(member)
        used = token_create(user=member, name="Used", scope="read")
        ApiToken.objects.filter(pk=used.record.pk).update(last_used_at=timezone.now())
        old = token_create(user=member, name="Old one", scope="read")
        ApiToken.objects.filter(pk=old.record.pk).update(expires_at=timezone.now() - timedelta(days=1))
        page = client.get(TOKENS).content.decode()
        assert "Expired" in page and "Used" in page
        assert page.count("Revoke<span") == 1, "only a token in use can be revoked"

    def test_revoke_asks_first_then_the_token_stops_working(self, client, member):
        client.force_login(member)
        made = token_create(user=member, name="Lost phone", scope="read")
        url = f"{TOKENS}{made.record.pk}/revoke/"
        confirm = client.get(url)
        assert confirm.status_code == 200 and "stop reaching your account at once" in confirm.content.decode()
        assert token_lookup(made.token) is not None, "looking at the question revokes nothing"
        done = client.post(url, follow=True)
        assert done.redirect_chain[-1][0] == TOKENS
        assert "revoked" in done.content.decode()
        assert token_lookup(made.token) is None
        assert "Revoked" in client.get(TOKENS).content.decode()

    def test_someone_elses_token_is_not_found(self, client, member, student):
        made = token_create(user=member, name="Mine", scope="read")
        client.force_login(student)
        url = f"{TOKENS}{made.record.pk}/revoke/"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert token_lookup(made.token) is not None

    def test_the_admin_lists_tokens_read_only_without_the_hash(self, client, member):
        made = token_create(user=member, name="Listed app", scope="read")
        admin = UserFactory(display_name="Admin", is_staff=True, is_superuser=True)
        client.force_login(admin)
        listing = client.get("/admin/api/apitoken/")
        assert listing.status_code == 200 and "Listed app" in listing.content.decode()
        detail = client.get(f"/admin/api/apitoken/{made.record.pk}/change/").content.decode()
        for page in (listing.content.decode(), detail):
            assert made.record.token_hash not in page and made.token not in page
        assert client.get("/admin/api/apitoken/add/").status_code == 403


class TestPrivacy:
    def test_the_export_lists_the_tokens_without_the_tokens(self, member):
        made = token_create(user=member, name="Export me", scope="read_write")
        data = user_data(member)
        assert data["api_tokens"][0]["name"] == "Export me"
        assert data["api_tokens"][0]["expires_at"] and data["api_tokens"][0]["revoked_at"] is None
        text = json.dumps(data)
        assert made.token not in text and made.record.token_hash not in text

    def test_the_tokens_go_with_the_account(self, student, django_capture_on_commit_callbacks):
        made = token_create(user=student, name="Going", scope="read")
        with django_capture_on_commit_callbacks(execute=True):
            account_delete(user=student, essays="withdraw")
        assert not ApiToken.objects.filter(pk=made.record.pk).exists()
        assert token_lookup(made.token) is None
