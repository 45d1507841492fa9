"""What a person sees in a real Chromium: browsing, the paywall, logging in and out, and every
page type at phone and desktop width, checked with axe-core.

Fixtures live in redink/testing/browser.py (one browser per session, a fresh context per test).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from redink.access.visibility import essay_text_for
from redink.catalogue.models import Essay
from redink.demo.library import load_demo_library
from redink.testing import factories
from redink.testing.browser import (
    SCREENS,
    describe_axe_violations,
    log_in,
    serious_axe_violations,
    usability_problems,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD_ESSAY = "how-did-relations-between-the-superpowers-change-after-1945"
EXTRACTS_ESSAY = "was-khrushchev-to-blame-for-the-cuban-missile-crisis"


@pytest.fixture
def library() -> dict[str, Essay]:
    """The demo library, with one essay set to each preview layout so both are seen."""
    load_demo_library()
    Essay.objects.filter(slug=LEAD_ESSAY).update(preview_style=Essay.PreviewStyle.LEAD)
    Essay.objects.filter(slug=EXTRACTS_ESSAY).update(preview_style=Essay.PreviewStyle.EXTRACTS)
    essays = Essay.objects.select_related("section__subject__level").in_bulk(
        [LEAD_ESSAY, EXTRACTS_ESSAY], field_name="slug"
    )
    return {"lead": essays[LEAD_ESSAY], "extracts": essays[EXTRACTS_ESSAY]}


# Pseudonyms are often one unbroken word; this one is as long as a display name may be.
MEMBER_NAME = "the_longest_pseudonym_a_member_may_pick"


@pytest.fixture
def demo_member():  # type: ignore[no-untyped-def]
    user = factories.UserFactory(display_name=MEMBER_NAME)
    factories.grant_membership(user)
    return user


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def hidden_sentence(essay: Essay) -> str:
    """A sentence of the essay's last paragraph that a visitor's preview does not contain."""
    shown = essay_text_for(essay=essay, viewer=AnonymousUser()).text
    candidates = [s for s in sentences(essay.paragraphs[-1]) if len(s) > 40 and s not in shown]
    assert candidates, "the demo essay's last paragraph is expected to be outside the free preview"
    return candidates[0]


def fill_in_login_form(page, *, email: str, password: str) -> None:
    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile(r"^(sign|log) in$", re.IGNORECASE)).click()


def test_visitor_browses_to_a_preview_logs_in_to_read_in_full_and_logs_out(page, library, demo_member, password):
    from playwright.sync_api import expect

    essay = library["lead"]
    section = essay.section
    preview = essay_text_for(essay=essay, viewer=AnonymousUser())
    secret = hidden_sentence(essay)
    last_paragraph = essay.paragraphs[-1]

    page.goto("/")
    for name, url in (
        (section.subject.level.name, section.subject.level.get_absolute_url()),
        (section.subject.name, section.subject.get_absolute_url()),
        (section.name, section.get_absolute_url()),
    ):
        page.locator(".tiles").get_by_role("link", name=re.compile(rf"^{re.escape(name)}\s")).click()
        expect(page).to_have_url(re.compile(rf"{re.escape(url)}$"))
    page.get_by_role("link", name=essay.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(essay.get_absolute_url())}$"))

    # A visitor: the preview, the paywall, and not one hidden word in the page.
    expect(page.get_by_role("heading", level=1)).to_have_text(essay.title)
    expect(page.get_by_role("heading", name="This is a preview of the whole essay")).to_be_visible()
    expect(page.locator(".essay-text p").first).to_have_text(preview.blocks[0])
    assert secret not in page.content()

    # Logging in through the real form brings the reader back to the essay, in full.
    page.locator(".paywall").get_by_role("link", name="Log in").click()
    fill_in_login_form(page, email=demo_member.email, password=password)
    expect(page).to_have_url(re.compile(rf"{re.escape(essay.get_absolute_url())}$"))
    expect(page.locator(".site-header")).to_contain_text(MEMBER_NAME)
    expect(page.locator(".essay-text p").last).to_have_text(last_paragraph)
    expect(page.get_by_text(secret)).to_be_visible()
    expect(page.locator(".paywall")).to_have_count(0)
    expect(page.get_by_text("This is a preview of the whole essay")).to_have_count(0)

    # Logging out from the header: the preview is back.
    page.locator(".site-header").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".site-header").get_by_role("link", name="Log in")).to_be_visible()
    page.goto(essay.get_absolute_url())
    expect(page.get_by_role("heading", name="This is a preview of the whole essay")).to_be_visible()
    expect(page.locator(".essay-text p").first).to_have_text(preview.blocks[0])
    assert secret not in page.content()


def test_pages_seen_before_logging_in_are_not_shown_stale_afterwards(page, library, demo_member, password):
    from playwright.sync_api import expect

    essay = library["lead"]
    page.goto("/")
    page.goto(essay.get_absolute_url())
    expect(page.locator(".paywall")).to_be_visible()

    page.locator(".site-header").get_by_role("link", name="Log in").click()
    fill_in_login_form(page, email=demo_member.email, password=password)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".site-header")).to_contain_text(MEMBER_NAME)
    page.goto(essay.get_absolute_url())
    expect(page.locator(".essay-text p").last).to_have_text(essay.paragraphs[-1])


def page_path(kind: str, library: dict[str, Essay]) -> tuple[str, int]:
    """The address of one page of each type, and the status it should answer with."""
    section = library["lead"].section
    paths = {
        "home": "/",
        "level": section.subject.level.get_absolute_url(),
        "subject": section.subject.get_absolute_url(),
        "section": section.get_absolute_url(),
        "essay-lead": library["lead"].get_absolute_url(),
        "essay-extracts": library["extracts"].get_absolute_url(),
        "login": "/accounts/login/",
        "not-found": "/essays/no-essay-has-this-address/",
    }
    return paths[kind], 404 if kind == "not-found" else 200


# What each preview layout shows: the "Join now" call to action after the second paragraph, or extracts.
PREVIEW_PARTS = {"essay-lead": ".cta-inline", "essay-extracts": "blockquote.extract"}
PAGE_KINDS = ["home", "level", "subject", "section", "essay-lead", "essay-extracts", "login", "not-found"]
# A logged-in member asking for the login page is sent on to the home page, already covered.
CASES = [("visitor", kind) for kind in PAGE_KINDS] + [("member", kind) for kind in PAGE_KINDS if kind != "login"]


@pytest.mark.parametrize(("viewer", "kind"), CASES)
def test_page_is_usable_on_a_phone_and_accessible(
    browser_context, axe, live_server, library, demo_member, viewer, kind
):
    path, status = page_path(kind, library)
    problems = []
    for screen in SCREENS:
        context = browser_context(screen)
        if viewer == "member":
            log_in(context, demo_member, base_url=live_server.url)
        page = context.new_page()
        response = page.goto(path)
        assert response is not None
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        if kind.startswith("essay"):
            # The page under test really is the member's full text, or the preview layout it is named after.
            paywalls = page.locator(".paywall").count()
            if viewer == "member":
                assert paywalls == 0, "the member was shown the paywall: not logged in?"
            else:
                assert paywalls == 1, "the visitor was not shown the paywall"
                assert page.locator(PREVIEW_PARTS[kind]).first.is_visible(), f"no {PREVIEW_PARTS[kind]} in the preview"
        problems += [f"{screen.name}: {problem}" for problem in usability_problems(page, screen)]
        violations = serious_axe_violations(axe, page)
        if violations:
            problems.append(
                f"{screen.name}: axe-core found serious or critical violations\n" + describe_axe_violations(violations)
            )
    assert not problems, f"{kind} page ({path}) seen by a {viewer}:\n" + "\n".join(problems)
