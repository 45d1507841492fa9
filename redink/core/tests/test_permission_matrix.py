"""Every route, for every kind of person: the status each must get, written from the role table of the
product specification ("The people and what each can do"), never recorded from a run.

Routes come from the URL configuration (redink.testing.routes), so a new route without a row
here fails `test_every_route_has_an_expectation`, naming it. Statuses:

    200, 401, 403, 404, 405, 410   that status
    LOGIN                          a redirect to a login page (the site's, or the admin's)
    AWAY                           a redirect somewhere else (an allauth page for the signed-in, …)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from redink.testing import factories
from redink.testing.routes import ADMIN, ROLES, World, admin_urls, build_world, site_routes

LOGIN = "login"
AWAY = "away"

VISITOR, STUDENT, MEMBER, TEACHER, MODERATOR, AUTHOR, SUPERUSER = ROLES
SIGNED_IN = (STUDENT, MEMBER, TEACHER, MODERATOR, AUTHOR, SUPERUSER)
MODERATORS = (MODERATOR, SUPERUSER)


def every(status: Any) -> dict[str, Any]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: Any = 200, **special: Any) -> dict[str, Any]:
    """Anyone with an account; a visitor is sent to log in."""
    return {VISITOR: LOGIN, **dict.fromkeys(SIGNED_IN, status), **special}


def owner(status: Any = 200) -> dict[str, Any]:
    """Something of the author's own: nobody else learns it exists."""
    return {**signed_in(404), AUTHOR: status}


def moderators(status: Any = 200) -> dict[str, Any]:
    """Moderators (staff, which a superuser is too); everyone else signed in is refused."""
    return {**signed_in(403), **dict.fromkeys(MODERATORS, status)}


def teachers(status: Any = 200) -> dict[str, Any]:
    """Verified teachers only: staff are not teachers, so they are refused like students."""
    return {**signed_in(403), TEACHER: status}


# GET of every route. Parameters are the world's (redink.testing.routes.build_world): the author's
# published essay, upload, reading-list entry, export, token; the teacher's review and comments.
GET: dict[str, dict[str, Any]] = {
    # Signing in and out (allauth behind the site's limits).
    "accounts/login/": {VISITOR: 200, **dict.fromkeys(SIGNED_IN, AWAY)},
    "accounts/signup/": {VISITOR: 200, **dict.fromkeys(SIGNED_IN, AWAY)},
    "accounts/password/reset/": every(200),
    "accounts/reauthenticate/": signed_in(),
    "accounts/password/change/": signed_in(),
    "accounts/logout/": {VISITOR: AWAY, **dict.fromkeys(SIGNED_IN, 200)},
    "accounts/inactive/": every(200),
    "accounts/reauthenticate/code/": signed_in(),  # offers to send a code
    "accounts/reauthenticate/code/confirm/": signed_in(AWAY),
    "accounts/email/": signed_in(),
    "accounts/confirm-email/": every(200),
    "accounts/password/set/": signed_in(AWAY),  # everyone here has a password: off to "change" instead
    "accounts/login/code/confirm/": {VISITOR: LOGIN, **dict.fromkeys(SIGNED_IN, AWAY)},
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": every(200),  # a key that is nobody's: a page saying so
    "accounts/password/reset/key/done/": every(200),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": every(200),
    "accounts/password/reset/done/": every(200),
    # The account pages.
    "accounts/": signed_in(),
    "accounts/profile/": signed_in(),
    "accounts/profile/avatar/": every(405),
    "accounts/profile/avatar/remove/": every(405),
    "accounts/delete/": signed_in(),  # staff are shown why they cannot (their POST is refused, below)
    "accounts/delete/done/": every(AWAY),  # the goodbye page is shown once, after a deletion; else home
    "accounts/tokens/": signed_in(),
    "accounts/tokens/<int:token_id>/revoke/": owner(),
    # The JSON API: public reads for all; your own data with a session or a token.
    "api/v1/openapi.json": every(200),
    "api/v1/levels/": every(200),
    "api/v1/levels/<level>/subjects/": every(200),
    "api/v1/levels/<level>/subjects/<subject>/sections/": every(200),
    "api/v1/essays/": every(200),
    "api/v1/essays/<slug>/": every(200),
    "api/v1/essays/<slug>/related/": every(200),
    "api/v1/search/": every(200),
    "api/v1/essays/<slug>/reviews/": every(200),
    "api/v1/essays/<slug>/annotations/": every(200),
    "api/v1/me/": {**signed_in(), VISITOR: 401},
    "api/v1/me/reading-list/": {**signed_in(), VISITOR: 401},
    "api/v1/me/reading-list/<item_id>/": every(405),  # PATCH and DELETE only
    "api/v1/me/uploads/": {**signed_in(), VISITOR: 401},
    "api/v1/": every(404),
    "api/v1/docs/": every(200),
    "api/v1/^(?P<rest>.*)$": every(404),
    # Membership.
    "join/": every(200),
    "join/<slug:plan>/checkout/": every(405),
    "join/welcome/": signed_in(),
    "join/cancelled/": every(200),
    "join/manage/": signed_in(AWAY),  # as an address, it is the account page
    "join/stripe/webhook/": every(405),
    "join/test-checkout/<str:session_id>/": signed_in(404),
    "join/test-portal/<str:portal_id>/": signed_in(404),
    # Site pages.
    "sitemap.xml": every(200),
    "robots.txt": every(200),
    "contact/": every(200),
    "site-map/": every(200),
    "search/": every(200),
    "search/suggest/": every(200),
    "healthz": every(200),
    "readyz": every(200),
    "metrics": every(404),  # the matrix asks from a public address: metrics are for the operator's network
    "privacy/": every(200),
    "privacy/email-preferences/": every(405),
    "terms/": every(200),
    "licence/": every(200),
    "about/": every(200),
    "unsubscribe/<str:token>/": every(200),  # the signed link is the proof; a GET only asks
    "privacy/export/": every(405),
    "privacy/export/<slug:token>/": owner(),  # still being prepared: a page that says so
    # A student's reading list and history.
    "reading-list/": signed_in(),
    "reading-list/save/<slug:slug>/": signed_in(),
    "reading-list/<int:item_id>/remove/": every(405),
    "reading-list/<int:item_id>/note/": every(405),
    "reading-history/": signed_in(),
    "reading-history/clear/": every(405),
    "reading-history/setting/": every(405),
    "authors/<str:name>/": every(200),
    # Teachers, and becoming one.
    "teach/": signed_in(),
    "teach/apply/": signed_in(),
    "teach/mark/": {**signed_in(AWAY), TEACHER: 200},  # the others are shown how to become a teacher
    "teach/essays/<slug:slug>/review/": teachers(),
    "teach/comments/": teachers(),
    "teach/comments/<int:comment_id>/delete/": teachers(405),
    "teach/essays/<slug:slug>/comments/": teachers(405),
    "teach/margin-comments/<int:comment_id>/edit/": teachers(),
    "teach/margin-comments/<int:comment_id>/delete/": teachers(405),
    "teach/margin-comments/<int:comment_id>/reattach/": teachers(405),
    "teach/lost-comments/": teachers(),
    "essays/<slug:slug>/annotations.jsonld": every(200),
    # Moderators.
    "moderation/teachers/": moderators(),
    "moderation/teachers/<int:application_id>/": moderators(),
    "moderation/teachers/<int:application_id>/approve/": moderators(405),
    "moderation/teachers/<int:application_id>/decline/": moderators(405),
    "moderation/teachers/<int:application_id>/evidence/": moderators(404),  # this one came without
    "moderation/reviews/<int:review_id>/hide/": moderators(),
    "moderation/reviews/<int:review_id>/show/": moderators(405),
    "moderation/lost-comments/": moderators(),
    "moderation/comments/<int:comment_id>/hide/": moderators(),
    "moderation/comments/<int:comment_id>/show/": moderators(405),
    "moderation/": moderators(),
    "moderation/uploads/<record:submission_id>/": moderators(),
    "moderation/uploads/<record:submission_id>/approve/": moderators(405),
    "moderation/uploads/<record:submission_id>/reject/": moderators(405),
    # The file as uploaded: for the moderators and its own contributor; to anyone else it does not exist.
    "moderation/uploads/<record:submission_id>/file/": {**owner(), **dict.fromkeys(MODERATORS, 200)},
    "moderation/uploads/<record:submission_id>/compare/<record:match_id>/": moderators(),
    "moderation/takedowns/": moderators(),
    "moderation/takedowns/<record:takedown_id>/": moderators(),
    # Contributing.
    "contribute/": signed_in(),
    "contribute/uploads/": signed_in(),
    "contribute/uploads/status/": signed_in(),
    "contribute/essays/<slug:slug>/correct/": owner(),
    "contribute/essays/<slug:slug>/withdraw/": owner(),
    "check/": signed_in(),
    "report/<slug:slug>/": every(200),
    # The catalogue.
    "": every(200),
    "essays/<slug:slug>/": every(200),
    "essays/<slug:slug>/read/": every(405),
    "<slug:level>/": every(200),
    "<slug:level>/<slug:subject>/": every(200),
    "<slug:level>/<slug:subject>/<slug:section>/": every(200),
    # Uploaded avatars, served by Django only under DEBUG: a file nobody uploaded.
    "^media/(?P<path>.*)$": every(404),
    ADMIN: {},  # the admin's own table, below
}

# The admin: staff may open it; a moderator sees only what their permissions allow (none are given
# to plain staff), a superuser everything. Everyone else is sent to the admin's login page.
ADMIN_GET: dict[str, dict[str, Any]] = {
    "/admin/": {**every(LOGIN), MODERATOR: 200, SUPERUSER: 200},
    "/admin/catalogue/": {**every(LOGIN), MODERATOR: 404, SUPERUSER: 200},
    "/admin/catalogue/essay/": {**every(LOGIN), MODERATOR: 403, SUPERUSER: 200},
    "/admin/catalogue/essay/<pk>/change/": {**every(LOGIN), MODERATOR: 403, SUPERUSER: 200},
    "/admin/accounts/user/": {**every(LOGIN), MODERATOR: 403, SUPERUSER: 200},
    # Signed in without staff: the login form again, saying so; staff go on to the index.
    "/admin/login/": {VISITOR: 200, **dict.fromkeys(SIGNED_IN, 200), MODERATOR: AWAY, SUPERUSER: AWAY},
}

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
PUBLIC_ADDRESS = "203.0.113.9"  # documentation range: outside the metrics networks


def outcome(response: Any) -> Any:
    """The status as the tables write it."""
    if response.status_code in (301, 302, 303, 307, 308):
        return LOGIN if urlsplit(response["Location"]).path in LOGIN_PATHS else AWAY
    return response.status_code


def client_for(world: World, role: str) -> Client:
    client = Client(REMOTE_ADDR=PUBLIC_ADDRESS)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.fixture
def world(db, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-uploads"
    settings.REDINK_SEARCHES_PER_MINUTE = settings.REDINK_SUGGESTIONS_PER_MINUTE = 1_000_000
    settings.REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS = settings.REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN = 10**6
    return build_world()


def test_every_route_has_an_expectation() -> None:
    keys = {route.key for route in site_routes()}
    missing = sorted(keys - GET.keys())
    assert not missing, f"Routes with no row in the permission matrix (add them to GET): {missing}"
    # A row for a route that is gone would test nothing (the media route exists under DEBUG only).
    stale = sorted(GET.keys() - keys - {"^media/(?P<path>.*)$"})
    assert not stale, f"Rows of the permission matrix for routes that no longer exist: {stale}"
    for key, row in GET.items():
        assert key == ADMIN or set(row) == set(ROLES), f"{key!r} does not say what each of the seven roles gets"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_role_table_says(world: World, role: str) -> None:
    client = client_for(world, role)
    wrong = []
    for route in site_routes():
        if route.key == ADMIN or route.key not in GET:
            continue
        url = world.address(route)
        got = outcome(client.get(url))
        if got != GET[route.key][role]:
            wrong.append(f"GET {url} ({route.key}): {got}, expected {GET[route.key][role]}")
    assert not wrong, f"As the {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_answers_each_role_as_the_role_table_says(world: World, role: str) -> None:
    client = client_for(world, role)
    pages = dict(zip(ADMIN_GET, admin_urls(world), strict=True))
    wrong = []
    for written, url in pages.items():
        got = outcome(client.get(url))
        if got != ADMIN_GET[written][role]:
            wrong.append(f"GET {url}: {got}, expected {ADMIN_GET[written][role]}")
    assert not wrong, f"As the {role}:\n" + "\n".join(wrong)


# POST to the routes that change things, as the roles who must not: the status, and nothing changed.
# Each body is one the allowed roles' forms would send, so a missing check would let it through.
def refused(status: Any, *roles: str) -> dict[str, Any]:
    return {VISITOR: LOGIN, **dict.fromkeys(roles, status)}


NOT_AUTHOR = tuple(r for r in SIGNED_IN if r != AUTHOR)
NOT_TEACHER = tuple(r for r in SIGNED_IN if r != TEACHER)
NOT_MODERATOR = tuple(r for r in SIGNED_IN if r not in MODERATORS)
TEXT = "\n\n".join(factories.SAMPLE_PARAGRAPHS)

POST: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "accounts/profile/": ({"display_name": "Someone Else"}, refused(LOGIN)),
    "accounts/profile/avatar/remove/": ({}, refused(LOGIN)),
    "accounts/delete/": ({"password": factories.PASSWORD, "essays": "withdraw"}, refused(403, *MODERATORS)),
    "accounts/tokens/": ({"name": "Another app", "scope": "read"}, refused(LOGIN)),
    "accounts/tokens/<int:token_id>/revoke/": ({}, refused(404, *NOT_AUTHOR)),
    "join/<slug:plan>/checkout/": ({}, refused(LOGIN)),
    "privacy/email-preferences/": ({}, refused(LOGIN)),
    "privacy/export/": ({}, refused(LOGIN)),
    "reading-list/save/<slug:slug>/": ({}, refused(LOGIN)),
    "reading-list/<int:item_id>/remove/": ({}, refused(404, *NOT_AUTHOR)),
    "reading-list/<int:item_id>/note/": ({"note": "Someone else's words"}, refused(404, *NOT_AUTHOR)),
    "reading-history/clear/": ({}, refused(LOGIN)),
    "reading-history/setting/": ({"enabled": ""}, refused(LOGIN)),
    "teach/apply/": ({"institution": "A School", "qualification": "PGCE"}, refused(LOGIN)),
    "teach/essays/<slug:slug>/review/": (
        {"stars": "1", "strengths": "Nothing.", "next_steps": "Everything.", "publish": "1"},
        refused(403, *NOT_TEACHER),
    ),
    "teach/comments/": ({"text": "A comment of someone else's"}, refused(403, *NOT_TEACHER)),
    "teach/comments/<int:comment_id>/delete/": ({}, refused(403, *NOT_TEACHER)),
    "teach/essays/<slug:slug>/comments/": (
        {"start": "0", "end": "20", "body": "Not a teacher's comment", "paragraph": "1"},
        refused(403, *NOT_TEACHER),
    ),
    "teach/margin-comments/<int:comment_id>/edit/": ({"body": "Rewritten"}, refused(403, *NOT_TEACHER)),
    "teach/margin-comments/<int:comment_id>/delete/": ({}, refused(403, *NOT_TEACHER)),
    "teach/margin-comments/<int:comment_id>/reattach/": ({"start": "0", "end": "20"}, refused(403, *NOT_TEACHER)),
    "moderation/teachers/<int:application_id>/approve/": ({"note": "Welcome"}, refused(403, *NOT_MODERATOR)),
    "moderation/teachers/<int:application_id>/decline/": (
        {"reason": "unverifiable", "note": "No"},
        refused(403, *NOT_MODERATOR),
    ),
    "moderation/reviews/<int:review_id>/hide/": ({"reason": "Unkind"}, refused(403, *NOT_MODERATOR)),
    "moderation/reviews/<int:review_id>/show/": ({}, refused(403, *NOT_MODERATOR)),
    "moderation/comments/<int:comment_id>/hide/": ({"reason": "Unkind"}, refused(403, *NOT_MODERATOR)),
    "moderation/comments/<int:comment_id>/show/": ({}, refused(403, *NOT_MODERATOR)),
    "moderation/uploads/<record:submission_id>/": ({"title": "Renamed by someone"}, refused(403, *NOT_MODERATOR)),
    "moderation/uploads/<record:submission_id>/approve/": ({}, refused(403, *NOT_MODERATOR)),
    "moderation/uploads/<record:submission_id>/reject/": (
        {"reason": "copied", "note": "No"},
        refused(403, *NOT_MODERATOR),
    ),
    "moderation/takedowns/<record:takedown_id>/": (
        {"action": "withdraw", "note": "Taken down"},
        refused(403, *NOT_MODERATOR),
    ),
    "contribute/": ({"title": "An upload", "text": TEXT, "declaration": "on", "licence": "on"}, refused(LOGIN)),
    "contribute/essays/<slug:slug>/correct/": ({"text": TEXT, "declaration": "on"}, refused(404, *NOT_AUTHOR)),
    "contribute/essays/<slug:slug>/withdraw/": ({"confirm": "on"}, refused(404, *NOT_AUTHOR)),
    "check/": ({"text": TEXT}, refused(LOGIN)),
}


def world_state() -> dict[str, list[dict[str, Any]]]:
    """Every row a refused POST could have changed."""
    from django.apps import apps

    models = [
        "accounts.User", "catalogue.Essay", "submissions.Submission", "submissions.TakedownRequest",
        "submissions.ModerationEvent", "marking.TeacherApplication", "marking.Review", "marking.MarginComment",
        "marking.BankComment", "marking.MarkingEvent", "reading.SavedEssay", "reading.ReadingSettings",
        "reading.ReadingHistoryEntry", "privacy.DataExport", "privacy.EmailPreference", "api.ApiToken",
        "access.Entitlement",
    ]  # fmt: skip
    state = {}
    for label in models:
        model = apps.get_model(label)
        state[label] = list(model.objects.order_by("pk").values())
    for row in state["accounts.User"]:
        row.pop("last_login")  # set by signing in, before the POST
    return state


@pytest.mark.parametrize("role", ROLES)
def test_changes_are_refused_to_the_roles_who_may_not_make_them(world: World, role: str) -> None:
    routes = {route.key: route for route in site_routes()}
    client = client_for(world, role)
    before = world_state()
    wrong = []
    for key, (data, expected) in POST.items():
        if role not in expected:
            continue
        url = world.address(routes[key])
        got = outcome(client.post(url, data))
        want = expected[role]
        if got != want:
            wrong.append(f"POST {url}: {got}, expected {want}")
        elif world_state() != before:
            wrong.append(f"POST {url}: refused ({got}) but something changed")
            before = world_state()
    assert not wrong, f"As the {role}:\n" + "\n".join(wrong)


def test_every_post_row_names_a_route() -> None:
    keys = {route.key for route in site_routes()}
    assert not sorted(POST.keys() - keys)
