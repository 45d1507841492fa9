"""The demo's margin comments: teachers' comments on passages of more than a fifth of the
essays, each on its quote; one demo edit that leaves exactly the planned comment an orphan and
carries the others over; and a load that changes nothing when run again."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from redink.catalogue.models import Essay, EssayRevision
from redink.catalogue.services import paragraphs_from_text
from redink.demo import comments as demo_comments_module
from redink.demo.comments import DemoComment, DemoCommentError, DemoComments, DemoEdit, comments_load, demo_comments
from redink.demo.library import demo_essays
from redink.demo.teaching import teachers_data
from redink.marking.models import MarginComment, MarkingEvent
from redink.marking.selectors_comments import comment_count

from .test_demo_marking import demo  # noqa: F401 - the fixture that loads the demo

pytestmark = pytest.mark.django_db

ORPHAN_ESSAY = "was-khrushchev-to-blame-for-the-cuban-missile-crisis"


def _texts() -> dict[str, str]:
    """Each demo essay's text as the library holds it (paragraphs joined by a blank line)."""
    return {e.slug: "\n\n".join(paragraphs_from_text(text=e.text)) for e in demo_essays()}


def _planned_orphans() -> set[tuple[str, str, str]]:
    """(essay, teacher's e-mail, quote) of each comment whose passage its file's edit removes."""
    texts = _texts()
    return {
        (plan.slug, teachers_data()[c.teacher]["email"], c.quote)
        for plan in demo_comments()
        if plan.edit
        for c in plan.comments
        if c.quote not in texts[plan.slug]
    }


@pytest.mark.usefixtures("demo")
def test_more_than_a_fifth_of_the_essays_have_comments_readers_see():
    essays = Essay.objects.published()
    commented = [essay for essay in essays if comment_count(essay=essay) > 0]
    assert len(commented) * 5 > essays.count()
    assert len(commented) >= 7
    for essay in commented:
        assert 3 <= MarginComment.objects.filter(essay=essay).count() <= 5, essay.slug


@pytest.mark.usefixtures("demo")
def test_exactly_the_planned_comment_lost_its_passage_through_the_edit():
    planned = _planned_orphans()
    assert len(planned) == 1
    orphans = MarginComment.objects.filter(state=MarginComment.State.ORPHAN).select_related("essay", "teacher")
    assert {(c.essay.slug, c.teacher.email, c.original_exact) for c in orphans} == planned
    orphan = orphans.get()
    assert orphan.essay.slug == ORPHAN_ESSAY and orphan.exact == orphan.original_exact
    assert orphan.text_version < orphan.essay.text_version
    # Lost through re-anchoring, not made an orphan by hand: it was placed in the author's draft.
    draft = EssayRevision.objects.get(essay=orphan.essay, text_version=orphan.text_version).body
    assert draft[orphan.start : orphan.end] == orphan.exact
    assert MarkingEvent.objects.filter(action=MarkingEvent.Action.COMMENT_ORPHANED, comment=orphan).count() == 1
    (plan,) = [p for p in demo_comments() if p.slug == ORPHAN_ESSAY]
    assert plan.edit and plan.edit.note
    assert plan.edit.with_ in orphan.essay.body and plan.edit.replace not in orphan.essay.body
    assert plan.edit.replace in draft and orphan.exact in plan.edit.replace
    others = MarginComment.objects.filter(essay=orphan.essay).exclude(pk=orphan.pk)
    assert others.count() == len(plan.comments) - 1
    for comment in others:
        assert comment.state == MarginComment.State.EXACT, comment.exact
        assert comment.text_version == orphan.essay.text_version
    assert comment_count(essay=orphan.essay) == len(plan.comments) - 1


@pytest.mark.usefixtures("demo")
def test_every_anchored_comment_is_on_its_quote():
    anchored = MarginComment.objects.exclude(state=MarginComment.State.ORPHAN).select_related("essay", "teacher")
    assert anchored.count() >= 7 * 3
    for comment in anchored:
        essay = comment.essay
        assert comment.text_version == essay.text_version, comment.exact
        assert essay.body[comment.start : comment.end] == comment.exact == comment.original_exact
        assert comment.state == MarginComment.State.EXACT
        assert comment.teacher.is_verified_teacher and comment.teacher_id != essay.author_id
        assert not comment.teacher.has_usable_password()
        assert comment.created_at > essay.published_at


def _snapshot() -> dict[str, object]:
    return {
        "comments": list(MarginComment.objects.order_by("pk").values()),
        "events": list(MarkingEvent.objects.order_by("pk").values_list("pk", "action", "comment_id")),
        "texts": list(Essay.objects.order_by("pk").values_list("slug", "text_version", "body", "comment_count")),
        "revisions": list(EssayRevision.objects.order_by("pk").values_list("essay_id", "text_version", "body")),
    }


@pytest.mark.usefixtures("demo")
def test_loading_twice_changes_nothing():
    before = _snapshot()
    call_command("load_demo")
    assert _snapshot() == before
    assert comments_load() == 0


@pytest.mark.usefixtures("demo")
def test_a_comment_its_teacher_deleted_is_added_again_but_the_edit_is_not_made_again():
    essay = Essay.objects.get(slug=ORPHAN_ESSAY)
    version = essay.text_version
    MarginComment.objects.filter(essay=essay).exclude(state=MarginComment.State.ORPHAN).first().delete()
    MarginComment.objects.filter(essay=essay, state=MarginComment.State.ORPHAN).delete()
    assert comments_load() == 1  # the anchored one; the orphan's passage is gone
    essay.refresh_from_db()
    assert essay.text_version == version
    assert not MarginComment.objects.filter(essay=essay, state=MarginComment.State.ORPHAN).exists()


def test_the_comment_files():
    texts = _texts()
    plans = demo_comments()
    assert len(plans) * 5 > len(texts) and len(plans) >= 7
    assert sum(1 for plan in plans if plan.edit) == 1
    written_by = {teachers_data()[c.teacher]["name"] for plan in plans for c in plan.comments}
    assert len(written_by) >= 2
    bodies = [c.text for plan in plans for c in plan.comments]
    assert len(set(bodies)) == len(bodies), "each comment is written for its passage"
    published = {e.slug: e.headers["published"] for e in demo_essays()}
    for plan in plans:
        assert plan.slug in texts, plan.name
        assert 3 <= len(plan.comments) <= 5, plan.name
        assert plan.written and plan.written.isoformat() > published[plan.slug], plan.name
        plan.placed_in(texts[plan.slug])  # every quote once in the text it is placed in
        for comment in plan.comments:
            assert 20 <= len(comment.quote) <= 200, (plan.name, comment.quote)
            sentences = len(re.findall(r"[.!?](?:\s|$)", comment.text))
            assert 1 <= sentences <= 3 and len(comment.text) <= 300, (plan.name, comment.text)


def _plan(*quotes: str, edit: DemoEdit | None = None) -> DemoComments:
    return DemoComments(
        slug="an-essay", comments=tuple(DemoComment("marsh", q, "A comment.") for q in quotes), edit=edit
    )


TEXT = "The first sentence is here. The second sentence is here.\n\nThe first sentence is here again."


def test_a_quote_not_found_exactly_once_is_refused_naming_the_file():
    assert _plan("The second sentence is here.").placed_in(TEXT) == TEXT
    with pytest.raises(DemoCommentError, match=r"comments/an-essay\.toml: marsh's quote .* found 2 times"):
        _plan("The first sentence is here").placed_in(TEXT)
    with pytest.raises(DemoCommentError, match=r"comments/an-essay\.toml: marsh's quote .* not found"):
        _plan("A sentence nobody wrote.").placed_in(TEXT)
    edit = DemoEdit(replace="The second sentence was here.", with_="The second sentence is here.", note="Tense.")
    assert "second sentence was" in _plan("The second sentence was here.", edit=edit).placed_in(TEXT)
    missing = DemoEdit(replace="Whatever.", with_="A sentence nobody wrote.", note="")
    with pytest.raises(DemoCommentError, match=r"comments/an-essay\.toml: the edit's `with` .* not found"):
        _plan("The second sentence is here.", edit=missing).placed_in(TEXT)


def test_loading_a_file_whose_quote_is_not_in_its_essay_fails(tmp_path, monkeypatch):
    call_command("load_demo", "--essays-only")
    slug = demo_essays()[0].slug
    (tmp_path / f"{slug}.toml").write_text(
        '[[comment]]\nteacher = "marsh"\nquote = "Words that are in no demo essay at all."\ntext = "A comment."\n'
    )
    monkeypatch.setattr(demo_comments_module, "COMMENT_DIR", tmp_path)
    with pytest.raises(DemoCommentError, match=rf"comments/{slug}\.toml: marsh's quote"):
        comments_load()


def test_the_demo_teacher_account_is_not_a_comments_teacher(tmp_path, monkeypatch):
    (tmp_path / "an-essay.toml").write_text('[[comment]]\nteacher = "demo"\nquote = "Some words."\ntext = "A."\n')
    monkeypatch.setattr(demo_comments_module, "COMMENT_DIR", tmp_path)
    with pytest.raises(DemoCommentError, match=r"comments/an-essay\.toml: 'demo' is not one of the library"):
        demo_comments()
