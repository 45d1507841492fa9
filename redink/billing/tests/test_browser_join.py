"""In a real Chromium, with the test-mode checkout: a free student joins from an essay's paywall,
reads the essay in full, cancels, and keeps access until the end of the period paid for.

Fixtures come from redink/testing/browser.py (see this folder's conftest.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from redink.access.models import Entitlement
from redink.access.visibility import essay_text_for
from redink.billing.models import Subscription
from redink.testing.browser import describe_axe_violations, log_in, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_free_student_joins_reads_in_full_cancels_and_keeps_access_to_the_period_end(
    browser_context, axe, live_server, test_mode, plans, student, essay
):
    from playwright.sync_api import expect

    hidden = essay.paragraphs[-1]
    assert hidden not in essay_text_for(essay=essay, viewer=AnonymousUser()).text
    context = browser_context()
    log_in(context, student, base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []

    def check_accessibility(name: str) -> None:
        violations = serious_axe_violations(axe, page)
        if violations:
            problems.append(f"{name}:\n{describe_axe_violations(violations)}")

    # The paywall's "Join now" leads to the plans, clearly in test mode.
    page.goto(essay.get_absolute_url())
    expect(page.locator(".paywall")).to_be_visible()
    page.locator(".paywall").get_by_role("link", name="Join now").click()
    expect(page).to_have_url(re.compile(r"/join/\?next="))
    expect(page.get_by_text("Unlimited access from just £6.99 per month")).to_be_visible()
    expect(page.locator(".test-mode-banner")).to_contain_text("Test mode")
    check_accessibility("pricing page")
    page.get_by_role("button", name="Join monthly (test mode)").click()

    # The stand-in for Stripe Checkout, labelled as such.
    expect(page).to_have_url(re.compile(r"/join/test-checkout/cs_loc\w+/$"))
    expect(page.locator(".test-mode-banner")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Test-mode checkout")
    check_accessibility("test-mode checkout")
    page.get_by_role("button", name="Pay £6.99 (test mode)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome: you are a member")
    expect(page.locator(".test-mode-banner")).to_be_visible()
    check_accessibility("welcome page")
    page.get_by_role("link", name="Continue reading").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(essay.get_absolute_url())}$"))
    expect(page.locator(".essay-text p").last).to_have_text(hidden)
    expect(page.locator(".paywall")).to_have_count(0)

    # Cancelling in the (test-mode) Customer Portal.
    page.goto("/accounts/")
    expect(page.get_by_text(re.compile(r"Renews on"))).to_be_visible()
    check_accessibility("account page")
    page.get_by_role("button", name="Manage subscription").click()
    expect(page).to_have_url(re.compile(r"/join/test-portal/bps_loc\w+/$"))
    expect(page.locator(".test-mode-banner")).to_be_visible()
    check_accessibility("test-mode portal")
    page.get_by_role("button", name="Cancel subscription").click()
    expect(page.get_by_text(re.compile(r"Cancelled: ends on"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Return to ")).click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))

    subscription = Subscription.objects.get(user=student)
    period_end = subscription.current_period_end
    assert subscription.cancel_at_period_end and period_end is not None
    expect(page.get_by_text(re.compile(rf"You keep full access until {period_end:%-d %B %Y}"))).to_be_visible()
    assert Entitlement.objects.get(user=student).ends_at == period_end

    # Until the period ends, the essay is still there in full.
    page.goto(essay.get_absolute_url())
    expect(page.locator(".essay-text p").last).to_have_text(hidden)

    # The access it keeps lasts exactly to the period end, and no further.
    entitlements = Entitlement.objects.filter(user=student)
    assert entitlements.active(at=period_end - timedelta(seconds=1)).exists()
    assert not entitlements.active(at=period_end).exists()

    assert not problems, "\n".join(problems)
