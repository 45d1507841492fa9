"""In a real Chromium: a student uploads a .docx made in the test, a moderator approves it, the student's
uploads page updates without a reload, the essay appears in its section and in search, and a second
upload of the same text is refused."""

from __future__ import annotations

import re

import pytest

from redink.submissions.testing.documents import make_docx
from redink.testing import factories
from redink.testing.browser import describe_axe_violations, log_in, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "How did the Treaty of Versailles shape Weimar politics"


def upload(page, *, path, section) -> None:  # type: ignore[no-untyped-def]
    page.goto("/contribute/")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_section").select_option(label=section.name)
    page.locator("#id_year").fill("2024")
    page.get_by_label("This essay is my own work").check()
    page.get_by_label("I grant the contributor licence above.").check()
    page.get_by_role("button", name="Upload", exact=True).click()


def test_upload_review_publish_and_refuse_a_copy(browser_context, live_server, axe, tmp_path, originals):
    from playwright.sync_api import expect

    level = factories.LevelFactory(name="A Level", slug="a-level")
    subject = factories.SubjectFactory(level=level, name="History", slug="history")
    section = factories.SectionFactory(subject=subject, name="Weimar Germany", slug="weimar-germany")
    student = factories.UserFactory(display_name="Uploading Student")
    copier = factories.UserFactory(display_name="Copying Student")
    moderator = factories.UserFactory(display_name="The Moderator", is_staff=True)
    paragraphs = originals[0].paragraphs
    document = tmp_path / "my-essay.docx"
    document.write_bytes(make_docx(TITLE, paragraphs))

    # The student uploads the file and sees it waiting for review.
    student_context = browser_context()
    log_in(student_context, student, base_url=live_server.url)
    mine = student_context.new_page()
    mine.goto("/contribute/")
    violations = serious_axe_violations(axe, mine)
    assert not violations, describe_axe_violations(violations)
    upload(mine, path=document, section=section)
    expect(mine).to_have_url(re.compile(r"/contribute/uploads/$"))
    row = mine.locator("#uploads tbody tr").first
    expect(row.locator(".status")).to_have_text("In review")
    expect(row).to_contain_text(TITLE)

    # The moderator finds it in the queue, reads it and approves it.
    moderator_context = browser_context()
    log_in(moderator_context, moderator, base_url=live_server.url)
    review = moderator_context.new_page()
    review.goto("/moderation/")
    review.get_by_role("link", name=TITLE, exact=True).click()
    expect(review.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(review.locator(".extracted p").first).to_have_text(paragraphs[0])
    expect(review.get_by_text("No overlap with the library or the review queue.")).to_be_visible()
    violations = serious_axe_violations(axe, review)
    assert not violations, describe_axe_violations(violations)
    review.get_by_role("button", name="Approve and publish").click()
    expect(review.locator(".messages")).to_contain_text(f"Published “{TITLE}”.")

    # The student's page, never reloaded, now says it is published and links to it.
    expect(row.locator(".status")).to_have_text("Published", timeout=15_000)
    expect(row.get_by_role("link", name=TITLE, exact=True)).to_be_visible()

    # A visitor finds it in its section and in search.
    visitor = browser_context().new_page()
    visitor.goto(section.get_absolute_url())
    visitor.get_by_role("link", name=TITLE, exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    visitor.goto("/search/?q=Versailles+Weimar")
    expect(visitor.locator(".search-results").get_by_role("link", name=TITLE, exact=True)).to_be_visible()

    # Someone else uploads the same text: refused, naming only the published essay's title.
    copier_context = browser_context()
    log_in(copier_context, copier, base_url=live_server.url)
    theirs = copier_context.new_page()
    upload(theirs, path=document, section=section)
    copied = theirs.locator("#uploads tbody tr").first
    expect(copied.locator(".status")).to_have_text("Rejected", timeout=15_000)
    expect(copied.locator(".reason")).to_have_text(f"It is a copy of “{TITLE}”, which is already in the library.")
    expect(copied.locator(".reason").get_by_role("link", name=TITLE, exact=True)).to_be_visible()
