"""Hostile text in every user-written field stays text on every channel that shows it.

The library of `hostile_world` is built once for the module (inside a transaction rolled back
at the end) and every page, API answer and e-mail is fetched once; each test then reads one
field on one channel, so a failure names both.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import override_settings

from . import hostile_checks as checks
from . import hostile_world as hw

# Marked so that pytest-django sets up the test database the module's world is built in; each
# test then only reads what the world fetched.
pytestmark = pytest.mark.django_db

# The fields each channel shows. A field missing from a channel that should show it fails too:
# the check would otherwise pass on a page that dropped the text.
TITLE, PARAGRAPH, HIDDEN = "essay_title", "essay_paragraph", "hidden_paragraph"
REVIEW = ("review_strengths", "review_next_steps")
NAMES = ("author_name", "teacher_name")
ESSAY_PAGE = (TITLE, PARAGRAPH, *NAMES, "upload_title")
FULL_ESSAY_PAGE = (*ESSAY_PAGE, HIDDEN, *REVIEW, "margin_comment")
LISTING = (TITLE, "upload_title")
SHOWN: dict[str, tuple[str, ...]] = {
    "essay page (visitor)": ESSAY_PAGE,
    "essay page (member)": FULL_ESSAY_PAGE,
    "essay page (teacher)": (*FULL_ESSAY_PAGE, "bank_comment"),
    "essay page (moderator)": FULL_ESSAY_PAGE,
    "neighbour's related list": (TITLE,),
    "home page": LISTING,
    "level listing": LISTING,
    "subject listing": LISTING,
    "section listing": LISTING,
    "search (visitor)": (TITLE, PARAGRAPH),
    "search (member)": (TITLE,),
    "search paragraph (visitor)": (TITLE, PARAGRAPH),
    "search paragraph (member)": (TITLE, HIDDEN),
    "search suggestions": (TITLE,),
    "author page": (TITLE, "author_name"),
    "teacher's author page": ("teacher_name",),
    "reading list": (TITLE, "reading_note"),
    "my uploads": ("upload_title", "rejected_title", "rejection_note"),
    "moderation queue": ("upload_title",),
    "moderation review": ("upload_title",),
    "moderation rejected": ("rejected_title", "rejection_note"),
    "takedown list": (TITLE,),
    "takedown detail": (TITLE, "takedown_claim", "takedown_answer"),
    "open takedown detail": (TITLE, "takedown_claim"),
    "teacher applications": ("application_institution",),
    "teacher application": ("application_institution", "application_experience"),
    "comment bank": ("bank_comment", "teacher_name"),
    "review form": (TITLE, PARAGRAPH, HIDDEN, *REVIEW, "bank_comment", *NAMES),
    "annotations.jsonld": (TITLE, PARAGRAPH, "margin_comment", "teacher_name"),
    "api essays": (TITLE, "author_name", "upload_title"),
    "api essay": (TITLE, PARAGRAPH, HIDDEN, "author_name"),
    "api essay (visitor)": (TITLE, PARAGRAPH, "author_name"),
    "api reviews": (*REVIEW, "teacher_name"),
    "api annotations": (TITLE, PARAGRAPH, "margin_comment", "teacher_name"),
    "api related": (TITLE,),
    "api search": (TITLE, "author_name"),
    "api reading list": (TITLE, "author_name", "reading_note"),
    "api uploads": ("rejection_note",),
    "admin essay list": (TITLE, "author_name", "upload_title"),
    "admin essay form": (TITLE, PARAGRAPH, HIDDEN, "author_name"),
    "admin submission list": ("upload_title", "rejected_title"),
    "admin submission form": ("rejected_title", "rejection_note"),
    "admin takedown list": (TITLE,),
    "admin takedown form": (TITLE, "takedown_claim", "takedown_answer"),
    "admin saved essay list": (TITLE,),
    "admin saved essay form": (TITLE, "reading_note"),
    "admin user list": NAMES,
    "admin user form": ("author_name",),
}
EMAILS: dict[str, tuple[str, ...]] = {
    "review notification": (TITLE, *NAMES),
    "takedown acknowledgement": (TITLE,),
    "takedown answer": (TITLE, "takedown_answer"),
    "rejection": ("rejected_title", "rejection_note"),
    "publication": ("upload_title",),
}
# Channels where a field is shown cut short (a snippet, a card's title): its opening, not all of it.
CUT = {
    ("search (visitor)", PARAGRAPH),
    ("search paragraph (visitor)", PARAGRAPH),
    ("search paragraph (member)", HIDDEN),
    ("annotations.jsonld", PARAGRAPH),  # the passage a comment quotes, and its context
    ("api annotations", PARAGRAPH),
}


def is_json(content_type: str) -> bool:
    return "json" in content_type


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        cache.clear()
        built = hw.build()
        yield built
        transaction.set_rollback(True)
    with django_db_blocker.unblock():
        cache.clear()


def pairs(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    return [(channel, name) for channel, names in table.items() for name in names]


@pytest.mark.parametrize(("channel", "name"), pairs(SHOWN), ids=[f"{n}-{c}" for c, n in pairs(SHOWN)])
def test_planted_text_stays_text(world, channel, name):  # type: ignore[no-untyped-def]
    status, content_type, body = world.answers[channel]
    assert status == 200, f"{channel} answered {status}"
    token = hw.FIELDS[name]
    planted = hw.planted(name)
    shown_whole = (channel, name) not in CUT
    if is_json(content_type):
        strings = checks.json_strings(checks.json_parsed(body))
        # The API speaks JSON, never HTML that a browser would render.
        assert "html" not in content_type
        assert any(token in s for s in strings), f"{name} is missing from {channel}"
        if shown_whole:
            assert any(planted in s for s in strings), f"{name} did not round-trip through {channel}"
        return
    page = checks.Page(body)
    assert not checks.markup_problems(page, token), f"{name} on {channel}: {checks.markup_problems(page, token)}"
    # A "</script" right after planted text ended a script block early (a JSON-LD break-out).
    assert not re.search(rf"{token}(?:'|&#x27;|\\u0027)\)</script", body, re.IGNORECASE), f"{name} on {channel}"
    shown = page.text + "\n".join(page.attribute_values())
    if shown_whole:
        assert hw.escaped_core(token, slash=name not in hw.NAMES) in shown, f"{name} is not shown as text on {channel}"
    else:
        # A snippet is cut from the text by the search engine, which on PostgreSQL
        # (ts_headline) leaves tag-like words out: what it shows is still text.
        assert token in shown, f"{name} is missing from {channel}"
    if shown_whole and name in hw.NAMES:
        assert planted in shown, f"{name} is not shown whole on {channel}"
    elif shown_whole:
        # Template syntax came through as the characters typed, never evaluated.
        assert f"javascript:alert('{token}') {{{{ 7*7 }}}} {{% now \"Y\" %}}" in shown, f"{name} on {channel}"
    for _kind, block in checks.data_blocks(page):
        checks.json_parsed(block)  # a break-out would leave the block cut short, and invalid


@pytest.mark.parametrize("channel", list(SHOWN))
def test_no_link_on_any_channel_runs_javascript(world, channel):  # type: ignore[no-untyped-def]
    _status, content_type, body = world.answers[channel]
    if is_json(content_type):
        strings = checks.json_strings(checks.json_parsed(body))
        assert not [s for s in strings if "".join(s.split()).lower().startswith("javascript:")]
    else:
        assert checks.javascript_addresses(checks.Page(body)) == []


def test_the_essay_pages_json_ld_carries_the_title_exactly(world):  # type: ignore[no-untyped-def]
    for channel in ("essay page (visitor)", "essay page (member)"):
        page = checks.Page(world.answers[channel][2])
        blocks = [checks.json_parsed(b) for kind, b in checks.data_blocks(page) if kind == "application/ld+json"]
        assert blocks, f"no JSON-LD on {channel}"
        assert hw.planted(TITLE) in checks.json_strings(blocks), channel
        raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', world.answers[channel][2], re.S)
        assert raw is not None and "</" not in raw.group(1) and "<script" not in raw.group(1).lower()


# Our own pages (the admin's templates are Django's) isolate user text from the page around it.
ISOLATED = [
    (c, n)
    for c, n in pairs(SHOWN)
    if not c.startswith(("admin ", "api "))
    and c not in {"annotations.jsonld", "search suggestions"}
    and (c, n) not in CUT  # a snippet cut before the controls: nothing there to isolate
]


@pytest.mark.parametrize(("channel", "name"), ISOLATED, ids=[f"{n}-{c}" for c, n in ISOLATED])
def test_direction_controls_in_user_text_cannot_reorder_the_page(world, channel, name):  # type: ignore[no-untyped-def]
    page = checks.Page(world.answers[channel][2])
    marker = f"\u202e{hw.FIELDS[name]}"
    assert marker in page.text or marker in "".join(page.attribute_values()), f"{name} on {channel}"
    assert checks.unisolated_bidi(page, marker) == [], f"{name} on {channel}"


@pytest.mark.parametrize(("channel", "name"), pairs(EMAILS), ids=[f"{n}-{c} e-mail" for c, n in pairs(EMAILS)])
def test_emails_carry_the_text_as_typed(world, channel, name):  # type: ignore[no-untyped-def]
    subject, text, html_parts = world.emails[channel]
    assert text, f"no {channel} e-mail was sent"
    assert "\n" not in subject and "\r" not in subject
    planted = hw.planted(name)
    # Plain text is not HTML: the characters as typed, never entities.
    assert planted in text or planted in subject, f"{name} is not in the {channel} e-mail as typed"
    assert "&lt;" not in text and "&#x27;" not in text and "&quot;" not in text
    for part in html_parts:
        page = checks.Page(part)
        token = hw.FIELDS[name]
        assert not checks.markup_problems(page, token) and not checks.javascript_addresses(page)


def test_the_checks_catch_text_that_became_markup():
    """The checks above can fail: the planted text pasted raw into a page trips each of them."""
    token = hw.FIELDS[TITLE]
    raw = checks.Page(f'<p>{hw.planted(TITLE)}</p><a href="javascript:alert(1)">x</a>')
    assert len(checks.markup_problems(raw, token)) == 3  # the script, the img and its onerror
    assert checks.javascript_addresses(raw)
    assert checks.unisolated_bidi(raw, f"\u202e{token}")
    isolated = checks.Page(f'<p dir="auto">{hw.planted(TITLE).replace("<", "&lt;")}</p>')
    assert checks.markup_problems(isolated, token) == [] and checks.unisolated_bidi(isolated, f"\u202e{token}") == []
