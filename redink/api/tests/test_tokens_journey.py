"""In a real Chromium, a member makes a token on the account page, copies it from the page that
shows it once, uses it, and revokes it; axe-core finds no serious or critical violation on the
way, at 1280 px and at 390 px, and no page scrolls sideways."""

from __future__ import annotations

import pytest

from redink.api.models import ApiToken
from redink.api.tokens import token_lookup, token_touch
from redink.testing import factories
from redink.testing.browser import (
    DESKTOP,
    Screen,
    describe_axe_violations,
    log_in,
    serious_axe_violations,
    usability_problems,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = Screen("phone-390", 390, 844, mobile=True)


@pytest.mark.parametrize("screen", [DESKTOP, PHONE_390], ids=lambda screen: screen.name)
def test_a_member_makes_uses_and_revokes_a_token(browser_context, live_server, axe, screen):
    from playwright.sync_api import expect

    member = factories.UserFactory(display_name=f"App Maker {screen.name}")
    factories.grant_membership(member)
    context = browser_context(screen)
    log_in(context, member, base_url=live_server.url)
    page = context.new_page()

    def check(where: str) -> None:
        violations = serious_axe_violations(axe, page)
        assert not violations, f"{where} ({screen.name}):\n{describe_axe_violations(violations)}"
        assert not usability_problems(page, screen), f"{where}: {usability_problems(page, screen)}"

    page.goto("/accounts/")
    check("the account page")
    page.get_by_role("link", name="Manage API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    check("the token list")

    page.get_by_label("Name").fill("Revision app")
    page.get_by_label("Read, and change your reading list").check()
    page.get_by_label("Expires after (days)").fill("30")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new token")
    shown = page.get_by_label("Token “Revision app”").input_value()
    assert token_lookup(shown) is not None and token_lookup(shown).can_write  # type: ignore[union-attr]
    check("the token shown once")

    page.get_by_role("link", name="Done: back to my tokens").click()
    expect(page.locator("td[data-label=Name]", has_text="Revision app")).to_be_visible()
    expect(page.locator("td[data-label='Last used']")).to_have_text("Never")
    assert shown not in page.content(), "the token is never shown again"

    token_touch(token=token_lookup(shown))  # type: ignore[arg-type]  # what the API does when the app calls it
    page.reload()
    expect(page.locator("td[data-label='Last used']")).not_to_have_text("Never")
    check("the token list with a token")

    page.get_by_role("link", name="Revoke “Revision app”").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoke “Revision app”?")
    check("the revoke question")
    page.get_by_role("button", name="Revoke token").click()
    expect(page.locator(".messages")).to_contain_text("revoked")
    assert token_lookup(shown) is None
    assert ApiToken.objects.get(user=member).revoked_at is not None
    check("the token list after revoking")
