"""In a real Chromium: the upload page says at once, with the File API, when the chosen file is too big
or of a type Redink does not take, in the server's own words, and holds the form back until the
file is one it can send; on a phone too."""

from __future__ import annotations

import re

import pytest

from redink.submissions.extract import messages
from redink.submissions.models import Submission
from redink.testing import factories
from redink.testing.browser import PHONE, describe_axe_violations, log_in, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def chosen(name: str, size: int) -> dict[str, object]:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": b"x" * size}


def fill_the_rest(page, section) -> None:  # type: ignore[no-untyped-def]
    page.locator("#id_title").fill("The causes of the First World War")
    page.locator("#id_section").select_option(label=section.name)
    page.get_by_label("This essay is my own work").check()
    page.get_by_label("I grant the contributor licence above.").check()


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_file_too_big_or_not_taken_is_named_before_it_is_sent(
    browser_context, live_server, settings, axe, tmp_path, originals, screen
):
    from playwright.sync_api import expect

    settings.REDINK_UPLOAD_MAX_BYTES = 20 * 1024
    section = factories.SectionFactory(name="Causes of the First World War")
    student = factories.UserFactory(display_name="Careful Student")
    context = browser_context(PHONE) if screen == "phone" else browser_context()
    log_in(context, student, base_url=live_server.url)
    page = context.new_page()
    page.goto("/contribute/")
    fill_the_rest(page, section)
    file_input = page.locator("#id_file")
    message = page.locator("#id_file-check")

    file_input.set_input_files(chosen("my essay.docx", 30 * 1024))
    expect(message).to_have_text(messages.too_big_words(size="30 KB", limit="20 KB"))
    expect(message).to_be_visible()
    expect(file_input).to_have_attribute("aria-invalid", "true")
    violations = serious_axe_violations(axe, page)
    assert not violations, describe_axe_violations(violations)

    page.get_by_role("button", name="Upload", exact=True).click()
    expect(file_input).to_be_focused()
    expect(page).to_have_url(re.compile(r"/contribute/$"))

    file_input.set_input_files(chosen("my essay.pages", 2 * 1024))
    expect(message).to_have_text(messages.unsupported(extension="pages").message)
    file_input.set_input_files(chosen("my essay", 2 * 1024))
    expect(message).to_have_text(messages.unsupported(extension="").message)
    assert not Submission.objects.exists(), "nothing was sent"

    essay = tmp_path / "my essay.txt"
    essay.write_text(originals[0].body)
    file_input.set_input_files(str(essay))
    expect(message).to_be_hidden()
    expect(file_input).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page).to_have_url(re.compile(r"/contribute/uploads/$"))
    assert Submission.objects.get().original_filename == "my essay.txt"
