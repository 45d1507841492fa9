"""Search as a person uses it, in real Chromium."""

import re

import pytest

from redink.demo.library import load_demo_library
from redink.testing.browser import describe_axe_violations, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Was Khrushchev to blame for the Cuban Missile Crisis?"


def test_misspelt_title_in_the_header_search_then_pick_a_suggestion(page):
    from playwright.sync_api import expect

    load_demo_library()
    page.goto("/")
    box = page.locator("#header-q")
    box.click()
    box.press_sequentially("khruschev cuban", delay=40)
    suggestion = page.get_by_role("option", name=TITLE)
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page).to_have_url(re.compile(r"/essays/was-khrushchev-to-blame-for-the-cuban-missile-crisis/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_keyboard_choice_of_a_suggestion(page):
    from playwright.sync_api import expect

    load_demo_library()
    page.goto("/")
    box = page.locator("#header-q")
    box.press_sequentially("photosynthsis", delay=40)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("photosynthesis")


def test_results_page_without_javascript_and_did_you_mean(chromium_browser, live_server):
    from playwright.sync_api import expect

    load_demo_library()
    context = chromium_browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.fill("#header-q", "cuban misile crisis")
        page.press("#header-q", "Enter")
        expect(page.get_by_text("Showing results for")).to_be_visible()
        expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    finally:
        context.close()


def test_results_page_is_accessible(page, axe):
    load_demo_library()
    page.goto("/search/?q=cold+war")
    violations = serious_axe_violations(axe, page)
    assert not violations, describe_axe_violations(violations)
