"""In a real Chromium: a verified teacher reviews an essay with marks per objective, inserting a
comment from their bank at the cursor and watching the total add up; a member reads the review,
a visitor sees its stars and marks only. axe-core finds no serious or critical violation on the
review form or on the essay page with reviews, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest

from redink.marking.models import BankComment, Review
from redink.testing import factories
from redink.testing.browser import PHONE, describe_axe_violations, log_in, serious_axe_violations

from .test_reviews_helpers import make_objectives

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Name the technique, then say what it does to the reader."


def no_serious_violations(axe, page) -> None:  # type: ignore[no-untyped-def]
    violations = serious_axe_violations(axe, page)
    assert not violations, describe_axe_violations(violations)


def test_a_teacher_reviews_with_the_bank_and_marks_and_readers_see_what_they_may(browser_context, live_server, axe):
    from playwright.sync_api import expect

    level = factories.LevelFactory(name="GCSE", slug="gcse")
    subject = factories.SubjectFactory(level=level, name="English Literature", slug="english-literature")
    section = factories.SectionFactory(subject=subject, name="Macbeth", slug="macbeth")
    essay = factories.make_essay(section=section, title="How does Shakespeare present ambition in Macbeth?")
    objectives = make_objectives(subject)
    teacher = factories.UserFactory(display_name="Ms Okafor", is_verified_teacher=True)
    BankComment.objects.create(teacher=teacher, text=COMMENT, objective_code="AO2")
    BankComment.objects.create(teacher=teacher, text="A clear conclusion.")

    context = browser_context()
    log_in(context, teacher, base_url=live_server.url)
    form = context.new_page()
    form.goto(essay.get_absolute_url())
    form.get_by_role("link", name="Review this essay").click()
    expect(form.get_by_role("heading", level=1)).to_have_text("Review this essay")
    no_serious_violations(axe, form)
    form.locator("summary", has_text="Mark bands for AO1").click()
    no_serious_violations(axe, form)  # the ladder open too

    form.locator('label[for="id_stars_3"]').click()  # the fourth star
    assert form.get_by_label("4 stars (very good)").is_checked()
    expect(form.locator("[data-star-words]")).to_have_text("4 stars (very good)")
    form.get_by_label("What this essay does well").fill("A confident argument.")
    steps = form.get_by_label("What would lift it to the next grade")
    steps.fill("Start. End.")
    steps.evaluate("(el) => el.setSelectionRange(7, 7)")  # the cursor after "Start. "
    form.locator("#bank-filter").select_option("AO2")
    expect(form.locator(".marking-bank li", has_text="A clear conclusion.")).to_be_hidden()
    form.locator(".marking-bank li", has_text=COMMENT).get_by_role("button", name="Insert").click()
    expect(steps).to_have_value(f"Start. {COMMENT} End.")
    expect(form.locator("[data-bank-status]")).to_contain_text("Comment inserted")
    # Text the teacher wrote, selected, goes into the bank without leaving the page.
    steps.evaluate("(el) => { el.focus(); el.setSelectionRange(0, 6); }")
    form.get_by_role("button", name="Save selected text to my comment bank").click()
    expect(form.locator("[data-bank-status]")).to_contain_text("Saved to your comment bank.")
    form.locator("#bank-filter").select_option("*")
    expect(form.locator(".marking-bank li", has_text="Start.").get_by_role("button", name="Insert")).to_be_visible()

    for objective, value in zip(objectives, ("11", "9", "5"), strict=True):
        form.locator(f"#id_mark_{objective.pk}").fill(value)
    expect(form.locator("#marks-sum")).to_have_text("25 out of 30")
    expect(form.locator(".band-ladder li.band-current")).to_contain_text("Level 4")
    form.get_by_role("button", name="Publish review").click()
    expect(form).to_have_url(re.compile(rf"{essay.get_absolute_url()}#review-\d+$"))
    expect(form.locator(".messages")).to_contain_text("Your review is published.")
    review = Review.objects.get()
    assert review.next_steps == f"Start. {COMMENT} End." and review.stars == 4

    for screen in (None, PHONE):
        member = factories.UserFactory(display_name=f"Paying Member {getattr(screen, 'name', 'desktop')}")
        factories.grant_membership(member)
        member_context = browser_context(screen) if screen else browser_context()
        log_in(member_context, member, base_url=live_server.url)
        reading = member_context.new_page()
        reading.goto(essay.get_absolute_url())
        card = reading.locator(f"#review-{review.pk}")
        expect(card).to_contain_text("Ms Okafor")
        expect(card).to_contain_text(COMMENT)
        expect(card.locator("tfoot")).to_contain_text("25 / 30")
        no_serious_violations(axe, reading)

        visitor = (browser_context(screen) if screen else browser_context()).new_page()
        visitor.goto(essay.get_absolute_url())
        card = visitor.locator(f"#review-{review.pk}")
        expect(card).to_contain_text("Ms Okafor")
        expect(card).to_contain_text("11 / 12")
        expect(visitor.get_by_role("link", name="Rated 4.0 out of 5 from 1 teacher review")).to_be_visible()
        assert COMMENT not in visitor.content() and "A confident argument." not in visitor.content()
        expect(visitor.get_by_role("link", name="Join to read what the teachers wrote")).to_be_visible()
        no_serious_violations(axe, visitor)

    phone = browser_context(PHONE)
    log_in(phone, teacher, base_url=live_server.url)
    small = phone.new_page()
    small.goto(f"/teach/essays/{essay.slug}/review/")
    expect(small.get_by_role("button", name="Update review")).to_be_visible()
    no_serious_violations(axe, small)
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_moderators_essay_page_with_hide_forms_is_accessible(browser_context, live_server, axe, essay):
    from redink.marking.services import ReviewInput, review_save

    for name in ("Mr Hale", "Dr Singh"):
        review_save(
            essay=essay,
            teacher=factories.UserFactory(display_name=name, is_verified_teacher=True),
            data=ReviewInput(stars=3, strengths="Clear.", next_steps="More evidence."),
            publish=True,
        )
    moderator = factories.UserFactory(display_name="The Moderator", is_staff=True)
    context = browser_context()
    log_in(context, moderator, base_url=live_server.url)
    page = context.new_page()
    page.goto(essay.get_absolute_url())
    page.locator("#reviews summary", has_text="Hide").first.click()
    no_serious_violations(axe, page)
    page.locator("#reviews textarea").first.fill("It names a pupil.")
    page.get_by_role("button", name="Hide this review").first.click()
    from playwright.sync_api import expect

    expect(page.locator(".messages")).to_contain_text("review is hidden")
    expect(page.get_by_role("button", name="Show again")).to_be_visible()
    page.reload()  # (the site's message list, shown once, is checked by the pages that own it)
    no_serious_violations(axe, page)
