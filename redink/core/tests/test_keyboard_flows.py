"""In a real Chromium, with the keyboard alone (Tab, Shift, arrows, Space, Enter and typing, no
clicks): search and open a result, join from the pricing page, upload an essay, save an essay to
the reading list, and, as a teacher, select a sentence and comment on it. Focus is visible
wherever it goes, and the skip link comes first and takes focus to the main content."""

from __future__ import annotations

import re

import pytest

from redink.access.selectors import user_has_membership
from redink.billing.models import Plan
from redink.corpus.plan import build_plan
from redink.corpus.text import write_essay
from redink.marking.models import MarginComment
from redink.reading.models import SavedEssay
from redink.submissions.models import Submission
from redink.testing import factories
from redink.testing.browser import DESKTOP, PHONE, log_in, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Why did the Cuban Missile Crisis end peacefully?"
OPENING = "Kennedy chose a naval quarantine rather than an air strike."
TEXT = "\n\n".join(
    [
        f"{OPENING} It gave Khrushchev time to think and a way to step back.",
        "Both leaders feared escalation. Letters passed between them through the crisis.",
        "In the end the missiles left Cuba and, quietly, the Jupiter missiles left Turkey.",
    ]
)


@pytest.fixture
def essay():  # type: ignore[no-untyped-def]
    level = factories.LevelFactory(name="GCSE", slug="gcse")
    subject = factories.SubjectFactory(level=level, name="History", slug="history")
    section = factories.SectionFactory(subject=subject, name="The Cold War", slug="the-cold-war")
    return factories.make_essay(title=TITLE, text=TEXT, section=section)


def test_the_skip_link_comes_first_and_moves_focus_to_the_main_content(page, essay):
    from playwright.sync_api import expect

    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on from the main content, past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=lambda screen: screen.name)
def test_a_focused_link_or_button_has_a_visible_outline(browser_context, essay, screen):
    page = browser_context(screen).new_page()
    page.goto(essay.get_absolute_url())
    outlines = []
    for target in (
        page.locator(".site-header").get_by_role("link", name="Log in"),
        page.locator(".site-header").get_by_role("button", name="Search"),
        page.locator("main").get_by_role("link").first,
    ):
        tab_to(page, target)
        outlines.append(
            page.evaluate(
                """() => { const s = getComputedStyle(document.activeElement);
                           return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
            )
        )
    assert all(style != "none" and width >= 2 for style, width in outlines), outlines


def test_search_type_enter_and_open_a_result(page, essay):
    from playwright.sync_api import expect

    page.goto("/")
    tab_to(page, page.locator("#header-q"))
    page.keyboard.type("cuban missile")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=cuban\+missile"))
    result = page.locator(".search-results").get_by_role("link", name=TITLE, exact=True)
    tab_to(page, result)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{re.escape(essay.get_absolute_url())}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_join_reaches_the_plan_button_by_tab_and_pays_in_test_mode(browser_context, live_server, settings):
    from playwright.sync_api import expect

    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.REDINK_ALLOW_TEST_CHECKOUT = True
    Plan.objects.create(slug="monthly", name="Monthly", interval="month", amount=699, position=1)
    student = factories.UserFactory(display_name="Keyboard Student")
    context = browser_context()
    log_in(context, student, base_url=live_server.url)
    page = context.new_page()
    page.goto("/join/")
    tab_to(page, page.get_by_role("button", name="Join monthly (test mode)"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/join/test-checkout/"))
    tab_to(page, page.get_by_role("button", name=re.compile(r"^Pay ")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/join/welcome/"))
    assert user_has_membership(user=type(student).objects.get(pk=student.pk)), "paying made the student a member"


def test_upload_fills_the_form_and_sends_it_with_the_keyboard(browser_context, live_server, essay, settings, tmp_path):
    from playwright.sync_api import expect

    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-uploads"
    corpus = build_plan(seed=7, essays=3)
    draft = next(write_essay(corpus=corpus, index=i) for i in range(len(corpus)) if not corpus.essays[i].copy_kind)
    student = factories.UserFactory(display_name="Keyboard Contributor")
    context = browser_context()
    log_in(context, student, base_url=live_server.url)
    page = context.new_page()
    page.goto("/contribute/")

    tab_to(page, page.get_by_label("Or paste your text"))
    page.keyboard.insert_text("\n\n".join(draft.paragraphs))  # as a paste, which is keyboard input
    page.keyboard.press("Tab")
    expect(page.locator("#id_title")).to_be_focused()
    page.keyboard.type("Keyboard-only upload about the Cold War")
    page.keyboard.press("Tab")
    expect(page.locator("#id_section")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first section after the empty choice
    expect(page.locator("#id_section")).to_have_value(str(essay.section_id))
    tab_to(page, page.locator("#id_year"))
    page.keyboard.type("2024")
    tab_to(page, page.get_by_label("This essay is my own work, and I may share it."))
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("I grant the contributor licence above.")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Upload", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/contribute/uploads/$"))
    expect(page.locator("#uploads tbody tr").first).to_contain_text("Keyboard-only upload about the Cold War")
    upload = Submission.objects.get(contributor=student)
    assert (upload.year, upload.section_id) == (2024, essay.section_id)


def test_save_an_essay_with_tab_and_enter(browser_context, live_server, essay):
    from playwright.sync_api import expect

    student = factories.UserFactory(display_name="Keyboard Reader")
    context = browser_context()
    log_in(context, student, base_url=live_server.url)
    page = context.new_page()
    page.goto(essay.get_absolute_url())
    tab_to(page, page.get_by_role("button", name=re.compile(r"^Save")))
    page.keyboard.press("Enter")
    expect(page.locator("[data-save-label]")).to_have_text("Saved")
    expect(page.locator("[data-save-label]")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Remove"))).to_be_focused()
    assert SavedEssay.objects.filter(user=student, essay=essay).exists()


def test_a_teacher_selects_a_sentence_and_comments_with_the_keyboard(browser_context, live_server, essay):
    from playwright.sync_api import expect

    teacher = factories.UserFactory(display_name="Ms Keys", is_verified_teacher=True)
    context = browser_context()
    log_in(context, teacher, base_url=live_server.url)
    page = context.new_page()
    page.goto(essay.get_absolute_url())

    button = page.get_by_role("button", name="Comment on selection")
    tab_to(page, button)
    page.keyboard.press("Tab")
    expect(page.locator("#essay-text")).to_be_focused()
    for _ in OPENING:
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("window.getSelection().toString()") == OPENING
    page.keyboard.press("Shift+Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-selected-quote]")).to_have_text(f"“{OPENING}”")
    expect(page.get_by_label("Your comment")).to_be_focused()
    page.keyboard.type("Say why a quarantine left room to negotiate.")
    tab_to(page, page.get_by_role("button", name="Save comment"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    expect(page.locator("mark.passage")).to_have_text(OPENING)
    comment = MarginComment.objects.get()
    assert (comment.start, comment.exact) == (0, OPENING)
