"""Every page type, in a real Chromium at desktop and phone widths, checked with axe-core for
violations of any impact (no rule switched off, no part of the page left out), and for content
that reflows at 320 px wide without sideways scrolling. The my-uploads table becomes cards on a
phone. One world (the demo library, an upload in review, a reader of each kind) serves every
page type of a screen size, because building it is the slow part."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from redink.billing.models import Plan
from redink.catalogue.models import Essay
from redink.corpus.plan import build_plan
from redink.corpus.text import write_essay
from redink.demo.library import load_demo_library
from redink.marking.models import MarginComment
from redink.reading.models import SavedEssay
from redink.submissions.services.uploads import submission_create
from redink.testing import factories
from redink.testing.browser import DESKTOP, PHONE, Screen, axe_violations, describe_axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = Screen("narrow", 320, 640, mobile=True)  # WCAG 1.4.10: reflow at 320 CSS pixels
WIDE_PHONE = Screen("phone-390", 390, 844, mobile=True)
OTHER_PHONES = (WIDE_PHONE, NARROW)

LEAD_ESSAY = "how-did-relations-between-the-superpowers-change-after-1945"
EXTRACTS_ESSAY = "was-khrushchev-to-blame-for-the-cuban-missile-crisis"  # has demo margin comments
UPLOAD_TITLE = "An upload waiting for a moderator"


@pytest.fixture(autouse=True)
def _private_uploads_and_test_checkout(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.REDINK_SUBMISSION_FILES_DIR = tmp_path / "private-uploads"
    # The join page with plans to choose, as on a site that takes payments.
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    settings.REDINK_ALLOW_TEST_CHECKOUT = True


@dataclass
class World:
    lead: Essay
    extracts: Essay
    users: dict[str, Any]
    submission_id: int
    draft: str


@pytest.fixture
def world() -> World:
    load_demo_library()
    Essay.objects.filter(slug=LEAD_ESSAY).update(preview_style=Essay.PreviewStyle.LEAD)
    Essay.objects.filter(slug=EXTRACTS_ESSAY).update(preview_style=Essay.PreviewStyle.EXTRACTS)
    essays = Essay.objects.select_related("section__subject__level").in_bulk(
        [LEAD_ESSAY, EXTRACTS_ESSAY], field_name="slug"
    )
    lead, extracts = essays[LEAD_ESSAY], essays[EXTRACTS_ESSAY]
    assert MarginComment.objects.filter(essay=extracts).exists(), "the demo essay is expected to carry comments"

    users = {
        "student": factories.UserFactory(display_name="Year Eleven Reader"),
        "member": factories.UserFactory(display_name="Paying Member"),
        "teacher": factories.UserFactory(display_name="Mr Hale", is_verified_teacher=True),
        "moderator": factories.UserFactory(display_name="The Moderator", is_staff=True),
    }
    factories.grant_membership(users["member"])
    Plan.objects.get_or_create(slug="monthly", defaults={"name": "Monthly", "interval": "month", "amount": 699})
    Plan.objects.get_or_create(slug="yearly", defaults={"name": "Yearly", "interval": "year", "amount": 5999})
    SavedEssay.objects.create(user=users["student"], essay=lead)
    corpus = build_plan(seed=11, essays=3)
    original = next(write_essay(corpus=corpus, index=i) for i in range(len(corpus)) if not corpus.essays[i].copy_kind)
    submission = submission_create(
        contributor=users["student"],
        title=UPLOAD_TITLE,
        section=lead.section,
        declaration=True,
        text="\n\n".join(original.paragraphs),
    )
    return World(
        lead=lead,
        extracts=extracts,
        users=users,
        submission_id=submission.pk,
        draft="\n\n".join(extracts.paragraphs[:3]),
    )


@dataclass(frozen=True)
class PageType:
    name: str
    viewer: str  # "visitor", or a key of World.users
    path: Callable[[World], str]
    status: int = 200
    # What to do once the page is open, to reach the state under test (a form sent, say).
    then: Callable[[Any, World], None] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    # What shows that the page is in the state under test (each selector must match).
    shows: tuple[str, ...] = ()
    # A check of this page type's own, returning what is wrong with it at this screen size.
    check: Callable[[Any, Screen], list[str]] | None = None


def _check_a_draft(page: Any, world: World) -> None:
    page.get_by_label(re.compile("draft", re.IGNORECASE)).fill(world.draft)
    page.get_by_role("button", name=re.compile("Check", re.IGNORECASE)).click()
    page.wait_for_load_state()


def _ask_for_suggestions(page: Any, world: World) -> None:
    page.locator("#header-q").press_sequentially("cuban", delay=30)
    page.get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")  # the first suggestion, highlighted


def _choose_a_plan(page: Any, world: World) -> None:
    page.get_by_role("button", name=re.compile("^Join monthly")).click()
    page.wait_for_url(re.compile("/join/test-checkout/"))


def _uploads_as_cards(page: Any, screen: Screen) -> list[str]:
    """On a phone each upload is a card, its cells one under another; on a desktop a table row."""
    row = page.locator("#uploads tbody tr").first
    display = row.evaluate("(el) => getComputedStyle(el).display")
    title, uploaded = (row.locator("td").nth(i).bounding_box() for i in (0, 1))
    below = uploaded["y"] >= title["y"] + title["height"] - 1
    if screen.width < 640 and (display != "block" or not below):
        return [f"an upload is not a card on a phone (row display {display}, date below title: {below})"]
    if screen.width >= 640 and (display != "table-row" or below):
        return [f"the uploads are not a table on a wide screen (row display {display})"]
    return []


PAGE_TYPES = [
    PageType("home", "visitor", lambda w: "/"),
    PageType("level", "visitor", lambda w: w.lead.section.subject.level.get_absolute_url()),
    PageType("subject", "visitor", lambda w: w.lead.section.subject.get_absolute_url()),
    PageType("section", "visitor", lambda w: w.lead.section.get_absolute_url()),
    PageType("essay, lead preview", "visitor", lambda w: w.lead.get_absolute_url(), shows=(".paywall", ".cta-inline")),
    PageType("essay, extracts", "visitor", lambda w: w.extracts.get_absolute_url(), shows=("blockquote.extract",)),
    PageType(
        "essay, member with comments and reviews",
        "member",
        lambda w: w.extracts.get_absolute_url(),
        shows=(".margin-note", "mark.passage", ".review-card"),
    ),
    PageType("essay, teacher", "teacher", lambda w: w.extracts.get_absolute_url(), shows=("#comment-composer",)),
    PageType("search results", "visitor", lambda w: "/search/?q=cuban+missile+crisis", shows=(".search-results a",)),
    PageType("title suggestions", "visitor", lambda w: "/", then=_ask_for_suggestions, shows=("[role=option]",)),
    PageType("search, no results", "visitor", lambda w: "/search/?q=zzqxjvbnonsense", shows=(".no-results",)),
    PageType("join", "visitor", lambda w: reverse("billing:pricing")),
    PageType("join, signed in", "student", lambda w: reverse("billing:pricing")),
    PageType("test-mode checkout", "student", lambda w: reverse("billing:pricing"), then=_choose_a_plan),
    PageType("account", "student", lambda w: reverse("accounts:overview")),
    PageType("reading list", "student", lambda w: reverse("reading:list")),
    PageType("upload form", "student", lambda w: reverse("submissions:upload")),
    PageType("my uploads", "student", lambda w: reverse("submissions:uploads"), check=_uploads_as_cards),
    PageType("check my essay", "student", lambda w: reverse("submissions:check")),
    PageType(
        "check my essay, report",
        "student",
        lambda w: reverse("submissions:check"),
        then=_check_a_draft,
        shows=(".report",),
    ),
    PageType("teacher application", "student", lambda w: reverse("marking:apply")),
    PageType("mark essays", "teacher", lambda w: reverse("marking:mark")),
    PageType("review form", "teacher", lambda w: reverse("marking:review", kwargs={"slug": w.extracts.slug})),
    PageType("moderation queue", "moderator", lambda w: reverse("submissions:queue")),
    PageType(
        "moderation of an upload",
        "moderator",
        lambda w: reverse("submissions:review", kwargs={"submission_id": w.submission_id}),
    ),
    PageType("log in", "visitor", lambda w: "/accounts/login/"),
    PageType("sign up", "visitor", lambda w: "/accounts/signup/"),
    PageType("password reset", "visitor", lambda w: "/accounts/password/reset/"),
    PageType("not found", "visitor", lambda w: "/essays/no-essay-has-this-address/", status=404),
    PageType("forbidden", "student", lambda w: reverse("submissions:queue"), status=403),
    PageType(
        "too many requests",
        "visitor",
        lambda w: "/search/?q=history",
        status=429,
        settings={"REDINK_SEARCHES_PER_MINUTE": 0},
    ),
]


# The first element Tab reaches, and whether any element jumps the page's order with tabindex > 0.
FIRST_IN_TAB_ORDER = """() => {
  const focusable = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length);
  const first = focusable[0];
  return {
    skipLink: !!first && first.matches('a.skip-link') && first.getAttribute('href') === '#main',
    first: first ? first.outerHTML.slice(0, 80) : null,
    positive: focusable.filter((el) => el.tabIndex > 0).length,
    main: !!document.querySelector('main#main'),
  };
}"""


def _skip_link_problem(page: Any) -> str | None:
    found = page.evaluate(FIRST_IN_TAB_ORDER)
    if found["skipLink"] and found["main"] and not found["positive"]:
        return None
    return f"the skip link to <main> is not first in the tab order: {found}"


def _appears(page: Any, css: str) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator(css).first.wait_for(state="attached", timeout=5_000)
    except PlaywrightTimeout:
        return False
    return True


def _reflow_problem(page: Any, width: int) -> str | None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= width:
        return None
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                 + (typeof el.className === 'string' && el.className.trim()
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                 + ' "' + el.textContent.trim().slice(0, 40) + '"')""",
        width,
    )
    return f"content is {scroll_width}px wide at {width}px (scrolls sideways); wider: {wide}"


@pytest.mark.parametrize("screen", [DESKTOP, PHONE], ids=lambda screen: screen.name)
def test_every_page_type_has_no_axe_violation_and_reflows(browser_context, live_server, axe, world, screen):
    pages: dict[str, Any] = {}

    def page_for(viewer: str) -> Any:
        if viewer not in pages:
            context = browser_context(screen)
            if viewer != "visitor":
                log_in(context, world.users[viewer], base_url=live_server.url)
            pages[viewer] = context.new_page()
        return pages[viewer]

    problems: list[str] = []
    for kind in PAGE_TYPES:
        page = page_for(kind.viewer)
        path = kind.path(world)
        with override_settings(**kind.settings):
            response = page.goto(path)
            if kind.then is not None:
                kind.then(page, world)
        where = f"{kind.name} ({path}, {kind.viewer})"
        if kind.then is None and (response is None or response.status != kind.status):
            problems.append(f"{where}: answered {response and response.status}, expected {kind.status}")
            continue
        if screen.mobile:
            # The same page laid out again at the other phone widths, down to WCAG's 320 px
            # (one world serves them all: building it is the slow part).
            for width in (screen.width, *(s.width for s in OTHER_PHONES)):
                page.set_viewport_size({"width": width, "height": screen.height})
                if trouble := _reflow_problem(page, width):
                    problems.append(f"{where}: {trouble}")
            page.set_viewport_size({"width": screen.width, "height": screen.height})
        problems += [f"{where}: nothing matches {css}" for css in kind.shows if not _appears(page, css)]
        if trouble := _skip_link_problem(page):
            problems.append(f"{where}: {trouble}")
        if kind.check is not None:
            problems += [f"{where}: {trouble}" for trouble in kind.check(page, screen)]
        if violations := axe_violations(axe, page):
            problems.append(f"{where}: axe-core found\n{describe_axe_violations(violations)}")
    assert not problems, f"at {screen.width}px:\n" + "\n".join(problems)
