"""The related block as a person sees it: two columns on a wide screen, one on a phone."""

from __future__ import annotations

import pytest

from redink.testing.browser import DESKTOP, PHONE, describe_axe_violations, serious_axe_violations, usability_problems
from redink.testing.factories import make_essay

from .conftest import topic_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reading(section):  # type: ignore[no-untyped-def]
    essay = make_essay(section=section, title="Reading", text=topic_text("cold war", seed=0))
    for n in range(4):
        make_essay(section=section, title=f"Cold War essay {n}", text=topic_text("cold war", seed=n + 1))
    return essay


@pytest.mark.parametrize(("screen", "columns"), [(DESKTOP, 2), (PHONE, 1)])
def test_cards_sit_in_two_columns_on_a_wide_screen_and_one_on_a_phone(browser_context, axe, reading, screen, columns):
    page = browser_context(screen).new_page()
    page.goto(reading.get_absolute_url())
    heading = page.get_by_role("heading", name="Related GCSE International relations 1945-1991 essays")
    heading.scroll_into_view_if_needed()
    cards = page.locator(".related-card")
    assert cards.count() == 4
    lefts = {round(cards.nth(i).bounding_box()["x"]) for i in range(4)}  # type: ignore[index]
    assert len(lefts) == columns
    assert not usability_problems(page, screen)
    violations = serious_axe_violations(axe, page)
    assert not violations, describe_axe_violations(violations)
