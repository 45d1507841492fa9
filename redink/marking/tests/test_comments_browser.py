"""In a real Chromium: a verified teacher selects a sentence and comments on it with the keyboard
("Comment on selection", then the form); the comment appears beside its passage; a member reads
it, a visitor sees only how many comments there are; staff edit the essay's text in the admin
and the comment is still on its passage; an edit that deletes the passage puts the comment in
the teacher's list of comments that lost their passage. axe-core finds no serious or critical
violation on the essay page with comments or on that list, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest

from redink.catalogue.services import essay_save_text
from redink.marking.models import MarginComment
from redink.testing import factories
from redink.testing.browser import DESKTOP, PHONE, describe_axe_violations, log_in, serious_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Characters outside the Basic Multilingual Plane before the passage: a browser counts each as
# two UTF-16 code units, the server as one code point.
OPENING = "Churchill 🇬🇧 spoke at Fulton in March 1946 🎙️, and the phrase stuck. Relations soured quickly."
SENTENCE = "The Truman Doctrine promised support to free peoples resisting subjugation."
TEXT = "\n\n".join(
    [
        OPENING,
        f"By 1947 the alliance had ended. {SENTENCE} Marshall Aid followed within months.",
        "Stalin answered with Cominform and, later, Comecon. Europe was divided.",
        "In conclusion, mistrust on both sides turned a wartime alliance into a cold war.",
    ]
)
COMMENT = "Explain why Truman framed it as a choice between two ways of life."


def no_serious_violations(axe, page) -> None:  # type: ignore[no-untyped-def]
    violations = serious_axe_violations(axe, page)
    assert not violations, describe_axe_violations(violations)


SELECT = """(sentence) => {
  const paragraphs = [...document.querySelectorAll('#essay-text p')];
  const p = paragraphs.find((el) => el.textContent.includes(sentence));
  const node = [...p.childNodes].find((n) => n.nodeType === 3 && n.textContent.includes(sentence));
  const at = node.textContent.indexOf(sentence);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + sentence.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def test_a_teacher_comments_on_a_selection_and_it_stays_on_its_passage(browser_context, live_server, axe):
    from playwright.sync_api import expect

    essay = factories.make_essay(title="Why did the Cold War begin?", text=TEXT)
    teacher = factories.UserFactory(display_name="Mr Hale", is_verified_teacher=True)

    context = browser_context()
    log_in(context, teacher, base_url=live_server.url)
    page = context.new_page()
    page.goto(essay.get_absolute_url())
    button = page.get_by_role("button", name="Comment on selection")
    # Nothing selected: the button says what to do instead of failing silently.
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-annotate-status]")).to_contain_text("Select a passage of the essay first")

    page.evaluate(SELECT, SENTENCE)
    button.focus()
    page.keyboard.press("Enter")
    box = page.get_by_label("Your comment")
    expect(box).to_be_focused()
    expect(page.locator("[data-selected-quote]")).to_have_text(f"“{SENTENCE}”")
    page.keyboard.type(COMMENT)
    page.keyboard.press("Tab")  # past the comment bank (none) to the button
    expect(page.get_by_role("button", name="Save comment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))

    comment = MarginComment.objects.get()
    start = essay.body.index(SENTENCE)
    assert (comment.start, comment.end, comment.exact) == (start, start + len(SENTENCE), SENTENCE)
    expect(page.locator("mark.passage")).to_have_text(SENTENCE)
    note = page.locator(f"#comment-{comment.pk}")
    expect(note).to_contain_text(COMMENT)
    # Beside its passage on a desktop: to its right, starting level with its paragraph.
    mark_box, note_box = page.locator("mark.passage").bounding_box(), note.bounding_box()
    assert note_box["x"] > mark_box["x"] + mark_box["width"] - 1
    assert abs(note_box["y"] - page.locator("#paragraph-2").bounding_box()["y"]) < 80
    # The highlight's number links to the comment, and the comment back to the highlight.
    expect(page.locator(f"a.note-ref[href='#comment-{comment.pk}']")).to_have_count(1)
    expect(note.locator(f"a[href='#ref-{comment.pk}']")).to_have_count(1)

    for screen in (DESKTOP, PHONE):
        member = factories.UserFactory(display_name=f"Paying Member {getattr(screen, 'name', 'desktop')}")
        factories.grant_membership(member)
        reader = browser_context(screen)
        log_in(reader, member, base_url=live_server.url)
        member_page = reader.new_page()
        member_page.goto(essay.get_absolute_url())
        expect(member_page.locator("mark.passage")).to_have_text(SENTENCE)
        expect(member_page.locator(f"#comment-{comment.pk}")).to_contain_text(COMMENT)
        expect(member_page.get_by_role("button", name="Comment on selection")).to_have_count(0)
        if screen is PHONE:  # below its paragraph on a phone
            para = member_page.locator("#paragraph-2").bounding_box()
            assert member_page.locator(f"#comment-{comment.pk}").bounding_box()["y"] > para["y"] + para["height"] - 1
        member_page.locator(f"a.note-ref[href='#comment-{comment.pk}']").click()
        expect(member_page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
        no_serious_violations(axe, member_page)

        visitor = browser_context(screen).new_page()
        visitor.goto(essay.get_absolute_url())
        expect(visitor.locator(".comment-count")).to_have_text("Annotated by experienced teachers: 1 comment")
        assert COMMENT not in visitor.content()
        expect(visitor.locator("mark")).to_have_count(0)

    # Staff edit the text in the admin: a new opening paragraph and a change after the passage.
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True)
    staff = browser_context()
    log_in(staff, admin_user, base_url=live_server.url)
    admin = staff.new_page()
    admin.goto(f"/admin/catalogue/essay/{essay.pk}/change/")
    edited = "A new opening paragraph sets out the question.\n\n" + TEXT.replace("within months", "in 1948")
    admin.locator("#id_body").fill(edited)
    admin.locator("input[name=_save]").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    comment.refresh_from_db()
    assert comment.state == "exact" and comment.text_version == 2
    page.goto(essay.get_absolute_url())
    expect(page.locator("mark.passage")).to_have_text(SENTENCE)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(COMMENT)
    admin.goto(f"/admin/catalogue/essay/{essay.pk}/change/")
    expect(admin.locator("#revisions-group")).to_contain_text("Churchill")  # the text it replaced

    # An edit that deletes the passage: the comment waits in the teacher's list, with its quote.
    essay.refresh_from_db()
    essay_save_text(essay=essay, text=essay.body.replace(SENTENCE + " ", ""))
    for screen in (DESKTOP, PHONE):
        lost_context = browser_context(screen)
        log_in(lost_context, teacher, base_url=live_server.url)
        lost = lost_context.new_page()
        lost.goto("/teach/lost-comments/")
        expect(lost.get_by_role("heading", level=1)).to_have_text("Comments that lost their passage")
        expect(lost.locator(".lost-comment")).to_contain_text(SENTENCE)
        no_serious_violations(axe, lost)
    lost.get_by_role("link", name=re.compile("Put it on a new passage")).click()
    expect(lost.get_by_role("heading", name="Move your comment to a new passage")).to_be_visible()
    lost.evaluate(SELECT, "Stalin answered with Cominform")
    lost.get_by_role("button", name="Comment on selection").click()
    lost.get_by_role("button", name="Attach the comment here").click()
    expect(lost.locator("mark.passage")).to_have_text("Stalin answered with Cominform")
    comment.refresh_from_db()
    assert comment.state == "exact" and comment.exact == "Stalin answered with Cominform"
