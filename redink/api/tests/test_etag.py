"""ETag, Last-Modified and 304 on the detail endpoints, and which answers a cache may keep.

The tag follows what the caller may read: a member who sends a visitor's tag (a copy kept
from before signing in, or by a cache in between) gets the whole text, never a 304."""

from __future__ import annotations

import pytest
from django.conf import settings

from .helpers import bearer, get_json

pytestmark = pytest.mark.django_db

DETAILS = ("/essays/{slug}/", "/essays/{slug}/reviews/", "/essays/{slug}/annotations/")


@pytest.mark.parametrize("path", DETAILS)
def test_a_visitor_revalidates_into_a_304_with_the_shared_cache_headers(client, essay, path):
    status, _, first = get_json(client, path.format(slug=essay.slug))
    assert status == 200 and first["ETag"]
    again = client.get("/api/v1" + path.format(slug=essay.slug), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]


def test_a_members_etag_differs_and_a_visitors_etag_gets_a_member_the_full_text(client, essay, member):
    _, visitor_body, visitor = get_json(client, f"/essays/{essay.slug}/")
    assert visitor_body["text"]["complete"] is False
    token = bearer(member)
    _, member_body, as_member = get_json(client, f"/essays/{essay.slug}/", **token)
    assert member_body["text"]["complete"] is True
    assert as_member["ETag"] != visitor["ETag"]
    status, body, _ = get_json(client, f"/essays/{essay.slug}/", HTTP_IF_NONE_MATCH=visitor["ETag"], **token)
    assert status == 200 and body["text"]["paragraphs"] == essay.paragraphs
    # Nor can the essay's last save stand in for the tag: the date says nothing about the reader.
    status, body, _ = get_json(
        client, f"/essays/{essay.slug}/", HTTP_IF_MODIFIED_SINCE=visitor["Last-Modified"], **token
    )
    assert status == 200 and body["text"]["complete"] is True
    # The member's own tag does revalidate.
    again = client.get(f"/api/v1/essays/{essay.slug}/", HTTP_IF_NONE_MATCH=as_member["ETag"], **token)
    assert again.status_code == 304 and "no-store" in again["Cache-Control"]


def test_a_visitor_may_revalidate_by_date(client, essay):
    _, _, first = get_json(client, f"/essays/{essay.slug}/")
    again = client.get(f"/api/v1/essays/{essay.slug}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/levels/", "/essays/", "/essays/{slug}/", "/search/?q=superpowers"])
def test_anonymous_answers_are_shareable_like_anonymous_pages(client, essay, path):
    _, _, response = get_json(client, path.format(slug=essay.slug))
    assert response["Cache-Control"] == f"public, max-age=0, s-maxage={settings.REDINK_SHARED_CACHE_SECONDS}"
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert "authorization" in response["Vary"].lower()


@pytest.mark.parametrize("how", ["token", "session"])
def test_answers_for_a_signed_in_caller_are_never_stored(client, essay, member, how):
    headers = bearer(member) if how == "token" else {}
    if how == "session":
        client.force_login(member)
    for path in ("/levels/", f"/essays/{essay.slug}/", "/me/"):
        _, _, response = get_json(client, path, **headers)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store", path
