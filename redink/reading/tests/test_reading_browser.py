"""In a real Chromium: a student saves an essay from its page with JavaScript on (the button
turns into "Saved" / "Remove" in place, and a screen reader hears it), finds it in "My reading
list" and writes a note there without a reload. axe-core finds no serious or critical violation
on the list, on a desktop and on a phone."""

from __future__ import annotations

import pytest

from redink.reading.models import SavedEssay
from redink.testing import factories
from redink.testing.browser import DESKTOP, PHONE, describe_axe_violations, log_in, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_saves_an_essay_in_place_and_finds_it_in_the_list(browser_context, live_server, axe):
    from playwright.sync_api import expect

    essay = factories.make_essay(title="How far was Stalin to blame for the Cold War?")
    student = factories.UserFactory(display_name="Year Ten Reader")

    for screen in (DESKTOP, PHONE):
        SavedEssay.objects.all().delete()
        context = browser_context(screen)
        log_in(context, student, base_url=live_server.url)
        page = context.new_page()
        page.goto(essay.get_absolute_url())
        url_before = page.url
        page.get_by_role("button", name="Save").first.click()
        expect(page.locator("[data-save-status]").first).to_contain_text("is on your reading list")
        expect(page.locator("[data-save-label]").first).to_be_visible()
        expect(page.get_by_role("button", name="Remove")).to_have_count(1)
        assert page.url == url_before, "saved in place, no page load"
        assert SavedEssay.objects.filter(user=student, essay=essay).exists()

        page.goto("/reading-list/")
        expect(page.get_by_role("heading", level=2, name=essay.title)).to_be_visible()
        page.get_by_label("Your note").fill("Good on the Long Telegram")
        page.get_by_role("button", name="Save note").click()
        expect(page.locator("[data-note-status]")).to_have_text("Note saved.")
        assert SavedEssay.objects.get(user=student).note == "Good on the Long Telegram"

        violations = serious_axe_violations(axe, page)
        assert not violations, f"{screen.name}:\n{describe_axe_violations(violations)}"


def test_a_visitors_save_link_logs_in_and_saves_the_essay(browser_context, live_server, password):
    from playwright.sync_api import expect

    essay = factories.make_essay(title="Why did the Berlin Wall go up in 1961?")
    student = factories.UserFactory(display_name="Returning Reader")
    page = browser_context(DESKTOP).new_page()
    page.goto(essay.get_absolute_url())
    page.get_by_role("link", name="Save").click()
    page.get_by_label("E-mail address").fill(student.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # The confirm page submits itself: the reader lands back on the essay, saved.
    expect(page).to_have_url(f"{live_server.url}{essay.get_absolute_url()}")
    expect(page.locator(".messages")).to_contain_text("is on your reading list")
    expect(page.get_by_role("button", name="Remove")).to_have_count(1)
    assert SavedEssay.objects.filter(user=student, essay=essay).exists()
