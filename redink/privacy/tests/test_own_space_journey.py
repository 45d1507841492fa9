"""In a real Chromium, a student's whole stay: saves an essay, finds it on "My reading list",
changes their display name, downloads a copy of their data and deletes their account. axe-core
finds no serious or critical violation on any page of the way, on a desktop and on a phone."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from redink.accounts.models import User
from redink.reading.models import SavedEssay
from redink.testing import factories
from redink.testing.browser import DESKTOP, PHONE, describe_axe_violations, log_in, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=lambda screen: screen.name)
def test_a_student_saves_renames_exports_and_leaves(browser_context, live_server, axe, password, screen):
    from playwright.sync_api import expect

    essay = factories.make_essay(title="Why did the Cuban Missile Crisis end peacefully?")
    student = factories.UserFactory(display_name=f"Year Eleven {screen.name}")
    context = browser_context(screen)
    log_in(context, student, base_url=live_server.url)
    page = context.new_page()

    def axe_clean(where: str) -> None:
        violations = serious_axe_violations(axe, page)
        assert not violations, f"{where} ({screen.name}):\n{describe_axe_violations(violations)}"

    page.goto(essay.get_absolute_url())
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("button", name="Remove")).to_have_count(1)
    axe_clean("the essay page")

    page.goto("/reading-list/")
    expect(page.get_by_role("heading", level=2, name=essay.title)).to_be_visible()
    axe_clean("the reading list")

    page.goto("/accounts/profile/")
    details = page.locator("section", has=page.get_by_role("heading", name="Display name and author page"))
    details.get_by_label("Display name", exact=True).fill(f"Quiet Historian {screen.name}")
    details.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Your profile is saved.")
    axe_clean("the profile page")
    page.goto("/accounts/")
    expect(page.locator("#profile-heading + .details-list")).to_contain_text(f"Quiet Historian {screen.name}")

    page.get_by_role("button", name="Export my data").click()
    page.goto("/accounts/")  # the copy is prepared in the background; the account page shows it once ready
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your data").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    data = json.loads(archive.read("data.json"))
    assert "README.txt" in archive.namelist()
    assert f"Quiet Historian {screen.name}" in json.dumps(data)
    assert essay.title in json.dumps(data), "the reading list is in the copy"
    axe_clean("the account page")

    page.get_by_role("link", name="Delete my account…").click()
    axe_clean("the confirmation page")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert User.objects.filter(pk=student.pk).exists(), "a wrong password deletes nothing"
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("deleted")
    axe_clean("the goodbye page")
    assert not User.objects.filter(pk=student.pk).exists()
    assert not SavedEssay.objects.filter(essay=essay).exists()

    page.goto("/reading-list/")
    assert "/accounts/login/" in page.url, "the session ended with the account"
