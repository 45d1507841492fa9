"""Margin comments stored and carried through new texts of their essay (`comments`): what each
edit does to a comment (its stored state, and that `essay.body[start:end]` is its passage), the
orphans kept for their teachers, and the services' rules and records.

Nothing here depends on the database vendor: run on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase

from redink.catalogue.models import Essay, EssayRevision
from redink.catalogue.services import essay_save_text
from redink.marking.comments import (
    MAX_COMMENT,
    comment_add,
    comment_delete,
    comment_edit,
    comment_hide,
    comment_reattach,
    comment_show,
    comments_reanchor,
    paragraph_range,
)
from redink.marking.models import MarginComment, MarkingEvent
from redink.marking.selectors_comments import lost_comments
from redink.submissions.models import Submission
from redink.submissions.services.moderation import submission_approve
from redink.submissions.services.uploads import submission_create
from redink.testing.factories import UserFactory, committed, make_essay

pytestmark = pytest.mark.django_db

OPENING = (
    "Shakespeare presents ambition as a force that corrupts whoever gives way to it. "
    "From the first scene the play links the desire for power with disorder in nature."
)
WITCHES = (
    "The witches do not make Macbeth a murderer; they name a wish he already has. "
    "His aside after the prophecy shows how quickly he imagines the killing of the king."
)
LADY = (
    "Lady Macbeth questions her husband's courage until he agrees to act. "
    "She calls on the spirits to unsex her, so that no remorse can stand in her way."
)
BANQUO = "Banquo is the play's measure of a loyal thane, and he suspects the truth at once."
AFTER = (
    "After the murder Macbeth cannot sleep, and the guilt that follows him is shown in "
    "the banquet scene, where the ghost of Banquo takes his place at the table."
)
ENDING = (
    "By the end of the play ambition has destroyed both of them. "
    "Macbeth fights on without hope, and the tyrant's head is carried in by Macduff."
)
LOOKALIKE = LADY.replace("until he agrees to act", "until he agrees to kill")
TEXT = "\n\n".join((OPENING, WITCHES, LADY, BANQUO, AFTER, ENDING))
PASSAGE = "His aside after the prophecy shows how quickly he imagines the killing"
SENTENCE = "She calls on the spirits to unsex her, so that no remorse can stand in her way."


def text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


@pytest.fixture
def macbeth(section):  # type: ignore[no-untyped-def]
    return make_essay(section=section, title="How does Shakespeare present ambition in Macbeth?", text=TEXT)


def add(essay: Essay, teacher, passage: str, *, occurrence: int = 1, body: str = "A good point.") -> MarginComment:  # type: ignore[no-untyped-def]
    """A comment on the `occurrence`-th copy of `passage`, as the essay page sends it."""
    at = -1
    for _ in range(occurrence):
        at = essay.body.index(passage, at + 1)
    return comment_add(
        essay=essay,
        teacher=teacher,
        body=body,
        start=at,
        end=at + len(passage),
        quote=passage,
        text_version=essay.text_version,
    )


def save_text(essay: Essay, new: str) -> Essay:
    """Replace the essay's text as a corrected upload does, its on-commit work run."""
    committed(essay_save_text, essay=essay, text=new)
    essay.refresh_from_db()
    return essay


def where(comment: MarginComment) -> tuple[str, str]:
    """The comment's stored state and the passage of its essay's current text it is on (for an
    orphan, nothing: it stays at the text version it was lost in)."""
    comment.refresh_from_db()
    essay = Essay.objects.get(pk=comment.essay_id)
    if comment.state == MarginComment.State.ORPHAN:
        assert comment.text_version < essay.text_version
        return comment.state, ""
    assert comment.text_version == essay.text_version
    passage = essay.body[comment.start : comment.end]
    assert passage == comment.exact
    assert essay.body[max(0, comment.start - 32) : comment.start] == comment.prefix
    assert essay.body[comment.end : comment.end + 32] == comment.suffix
    return comment.state, passage


class TestCarriedThroughEdits:
    def test_text_inserted_before_the_passage_shifts_it(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE)
        before = comment.start
        save_text(macbeth, text("A new opening paragraph, added in the second draft.", TEXT))
        assert where(comment) == ("exact", PASSAGE)
        assert comment.start == before + len("A new opening paragraph, added in the second draft.\n\n")
        assert comment.original_exact == PASSAGE

    def test_a_word_changed_inside_is_edited_and_covers_the_new_wording(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE)
        save_text(macbeth, TEXT.replace("how quickly he imagines the killing", "how quickly he imagines the murder"))
        assert where(comment) == ("edited", "His aside after the prophecy shows how quickly he imagines the murder")
        assert comment.original_exact == PASSAGE  # what the teacher commented on, kept

    def test_a_repeated_passage_stays_on_the_copy_it_was_on(self, section, teacher):
        repeated = "the desire for power"
        essay = make_essay(
            section=section, text=text(OPENING, WITCHES, f"In her, too, {repeated} overrides every feeling.", ENDING)
        )
        comment = add(essay, teacher, repeated, occurrence=2)
        save_text(essay, essay.body.replace("corrupts whoever gives way", "corrupts anyone who gives way"))
        assert where(comment) == ("exact", repeated)
        first = essay.body.index(repeated)
        assert comment.start == essay.body.index(repeated, first + 1)

    def test_a_deleted_passage_is_an_orphan_kept_and_listed(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE, body="Close reading of the aside.")
        other = add(macbeth, UserFactory(is_verified_teacher=True), "Banquo is the play's measure")
        save_text(macbeth, TEXT.replace(" " + PASSAGE + " of the king.", ""))
        assert where(comment) == ("orphan", "")
        comment.refresh_from_db()
        assert (comment.exact, comment.body, comment.text_version) == (PASSAGE, "Close reading of the aside.", 1)
        assert MarginComment.objects.filter(pk=comment.pk).exists()
        assert list(lost_comments(teacher=teacher)) == [comment]
        assert list(lost_comments()) == [comment]
        assert where(other)[0] == "exact"
        event = MarkingEvent.objects.get(action=MarkingEvent.Action.COMMENT_ORPHANED)
        assert event.comment == comment and event.actor is None
        assert PASSAGE[:40] in event.note and "text version 2" in event.note

    def test_an_orphan_stays_an_orphan_through_later_edits(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE)
        save_text(macbeth, TEXT.replace(" " + PASSAGE + " of the king.", ""))
        save_text(macbeth, text("A new opening.", macbeth.body))
        assert where(comment) == ("orphan", "")
        comment.refresh_from_db()
        assert comment.text_version == 1
        assert MarkingEvent.objects.filter(action=MarkingEvent.Action.COMMENT_ORPHANED).count() == 1

    def test_a_passage_moved_to_another_paragraph_is_exact_there(self, macbeth, teacher):
        comment = add(macbeth, teacher, SENTENCE)
        cut = LADY.replace(" " + SENTENCE, "")
        save_text(macbeth, text(OPENING + " " + SENTENCE, WITCHES, cut, BANQUO, AFTER, ENDING))
        assert where(comment) == ("exact", SENTENCE)
        assert comment.end <= len(OPENING + " " + SENTENCE)  # in the first paragraph now

    def test_moved_with_one_word_changed_it_is_fuzzy(self, macbeth, teacher):
        comment = add(macbeth, teacher, SENTENCE)
        cut = LADY.replace(" " + SENTENCE, "")
        changed = SENTENCE.replace("no remorse", "no pity")
        save_text(macbeth, text(OPENING, WITCHES, cut, BANQUO, AFTER, changed + " " + ENDING))
        assert where(comment) == ("fuzzy", changed)

    @pytest.mark.parametrize("adjacent", [False, True], ids=["elsewhere", "next-to-it"])
    @pytest.mark.parametrize(
        "passage", [LADY, "Lady Macbeth questions her husband's courage", SENTENCE], ids=["all", "start", "end"]
    )
    def test_its_paragraph_deleted_it_is_an_orphan_not_moved_to_a_lookalike(self, section, teacher, adjacent, passage):
        order = (LADY, LOOKALIKE, AFTER) if adjacent else (LADY, AFTER, LOOKALIKE)
        essay = make_essay(section=section, text=text(OPENING, *order, ENDING))
        comment = add(essay, teacher, passage)
        assert comment.start >= essay.body.index(LADY) and comment.end <= essay.body.index(LADY) + len(LADY)
        # The lookalike is edited in the same change, which a plain diff would splice onto.
        kept = [p.replace("until he agrees", "till he agrees") for p in order if p != LADY]
        save_text(essay, text(OPENING, *kept, ENDING))
        assert where(comment) == ("orphan", "")

    def test_a_name_whose_sentence_is_deleted_does_not_move_to_a_new_mention(self, macbeth, teacher):
        comment = add(macbeth, teacher, "Banquo", body="Name him as a foil.")
        assert comment.exact == "Banquo" and comment.start == macbeth.body.index(BANQUO)
        new_sentence = "Malcolm later says that Banquo was the better man."
        save_text(macbeth, text(OPENING, WITCHES, LADY, AFTER, ENDING + " " + new_sentence))
        assert where(comment) == ("orphan", "")

    def test_positions_are_code_points_past_emoji(self, section, teacher):
        essay = make_essay(section=section, text=text("🎭 " + OPENING, WITCHES, ENDING))
        comment = add(essay, teacher, PASSAGE)
        assert comment.start == essay.body.index(PASSAGE)
        save_text(essay, text("🎭🗡️👑 " + OPENING, WITCHES, ENDING))
        assert where(comment) == ("exact", PASSAGE)

    def test_a_comment_whose_old_text_disagrees_with_it_is_not_guessed_at(self, macbeth, teacher):
        """The diff is followed only from the text the comment was placed in: with a stored
        revision that does not hold its quote there, it is an orphan, not a search of the text."""
        comment = add(macbeth, teacher, PASSAGE)
        MarginComment.objects.filter(pk=comment.pk).update(start=comment.start + 3, end=comment.end + 3)
        save_text(macbeth, text("A new opening.", TEXT))
        assert where(comment) == ("orphan", "")

    def test_reanchoring_an_essay_with_nothing_stale_changes_nothing(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE)
        assert comments_reanchor(essay=macbeth) == {}
        assert where(comment) == ("exact", PASSAGE)


CORRECTED = text(
    "A short introduction, added in the corrected version, says what the essay will argue.",
    OPENING,
    # A word changed inside the commented passage.
    WITCHES.replace("how quickly he imagines", "how swiftly he imagines"),
    # The sentence on the spirits moved to the last paragraph, and Banquo's paragraph gone.
    LADY.replace(" " + SENTENCE, ""),
    AFTER,
    ENDING + " " + SENTENCE + " Malcolm says that Banquo was the better man.",
)


class TestCorrectedUpload:
    """A contributor's corrected version, approved by a moderator, replaces the whole text: each
    of several comments lands where its passage went, or is kept as an orphan."""

    @pytest.fixture
    def contributor(self, db):  # type: ignore[no-untyped-def]
        return UserFactory(display_name="Keen Contributor")

    @pytest.fixture
    def published(self, section, contributor):  # type: ignore[no-untyped-def]
        return make_essay(section=section, title="Ambition in Macbeth", text=TEXT, author=contributor)

    def comments(self, essay: Essay) -> dict[str, MarginComment]:
        first, second = UserFactory(is_verified_teacher=True), UserFactory(is_verified_teacher=True)
        return {
            "unchanged": add(essay, first, "Shakespeare presents ambition as a force"),
            "edited": add(essay, first, PASSAGE),
            "moved": add(essay, second, SENTENCE),
            "deleted": add(essay, second, "he suspects the truth at once"),
            "name": add(essay, first, "Banquo"),
            "across": add(essay, second, "disorder in nature.\n\nThe witches do not make Macbeth a murderer"),
        }

    def expect(self, comments: dict[str, MarginComment]) -> None:
        assert where(comments["unchanged"]) == ("exact", "Shakespeare presents ambition as a force")
        assert where(comments["edited"]) == (
            "edited",
            "His aside after the prophecy shows how swiftly he imagines the killing",
        )
        assert where(comments["moved"]) == ("exact", SENTENCE)
        assert comments["moved"].start > comments["edited"].end
        assert where(comments["deleted"]) == ("orphan", "")
        assert where(comments["name"]) == ("orphan", "")  # not the new "Banquo" in the last paragraph
        assert where(comments["across"]) == (
            "exact",
            "disorder in nature.\n\nThe witches do not make Macbeth a murderer",
        )
        lost = {comments["deleted"].pk, comments["name"].pk}
        assert set(lost_comments().values_list("pk", flat=True)) == lost
        orphaned = MarkingEvent.objects.filter(action=MarkingEvent.Action.COMMENT_ORPHANED)
        assert set(orphaned.values_list("comment", flat=True)) == lost
        assert MarginComment.objects.count() == 6  # none deleted

    def test_through_essay_save_text_as_the_moderation_service_calls_it(self, published):
        comments = self.comments(published)
        save_text(published, CORRECTED)
        assert published.text_version == 2
        assert EssayRevision.objects.get(essay=published).body == TEXT
        self.expect(comments)

    def test_through_the_submission_flow(self, published, contributor, staff, settings):
        settings.REDINK_ESSAY_MIN_WORDS = 50
        comments = self.comments(published)
        with TestCase.captureOnCommitCallbacks(execute=True):
            correction = submission_create(
                contributor=contributor,
                title=published.title,
                section=published.section,
                declaration=True,
                text=CORRECTED,
                replaces=published,
            )
        correction.refresh_from_db()
        assert correction.status == Submission.Status.IN_REVIEW, correction.failure_code
        # Until a moderator approves it, the comments stay on the published text.
        assert where(comments["deleted"]) == ("exact", "he suspects the truth at once")
        committed(submission_approve, submission=correction, moderator=staff)
        published.refresh_from_db()
        assert (published.text_version, published.body) == (2, CORRECTED)
        self.expect(comments)


class TestAdding:
    def test_a_teacher_comments_on_a_passage(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE, body="  Precise: the aside shows the thought forming.  ")
        comment.refresh_from_db()
        assert (comment.teacher, comment.essay, comment.state) == (teacher, macbeth, MarginComment.State.EXACT)
        assert comment.body == "Precise: the aside shows the thought forming."
        assert (comment.exact, comment.original_exact, comment.text_version) == (PASSAGE, PASSAGE, 1)
        assert macbeth.body[comment.start : comment.end] == PASSAGE
        assert comment.prefix == macbeth.body[comment.start - 32 : comment.start]

    def test_spaces_and_line_breaks_at_either_end_of_a_selection_are_left_out(self, macbeth, teacher):
        # From the end of the first paragraph over the blank line into the second, as a browser selects it.
        start = macbeth.body.index("in nature.") + len("in nature.")
        end = macbeth.body.index("The witches") + len("The witches") + 1
        comment = comment_add(
            essay=macbeth,
            teacher=teacher,
            body="Start here.",
            start=start,
            end=end,
            quote="\n\nThe witches ",
            text_version=1,
        )
        assert (comment.exact, macbeth.body[comment.start : comment.end]) == ("The witches", "The witches")

    def test_the_quote_may_differ_in_spacing_from_the_text(self, macbeth, teacher):
        at = macbeth.body.index("in nature.")
        end = macbeth.body.index("The witches") + len("The witches")
        comment = comment_add(
            essay=macbeth,
            teacher=teacher,
            body="Yes.",
            start=at,
            end=end,
            quote="in nature.\nThe  witches",
            text_version=1,
        )
        assert comment.exact == "in nature.\n\nThe witches"

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"text_version": 2}, "The essay's text has changed since you opened it."),
            ({"quote": "something else entirely"}, "could not be found where your browser said it was"),
            ({"start": 10, "end": 10}, "Select a passage of the essay's text to comment on."),
            ({"start": -1}, "Select a passage of the essay's text to comment on."),
            ({"end": len(TEXT) + 1}, "Select a passage of the essay's text to comment on."),
            ({"body": "   \n "}, "Write the comment."),
            ({"body": "x" * (MAX_COMMENT + 1)}, "A margin comment is at most 2,000 characters (2,001 written)."),
        ],
    )
    def test_what_is_refused_and_why(self, macbeth, teacher, change, message):
        at = macbeth.body.index(PASSAGE)
        kwargs = {"body": "Fine.", "start": at, "end": at + len(PASSAGE), "quote": PASSAGE, "text_version": 1}
        with pytest.raises(ValidationError) as refused:
            comment_add(essay=macbeth, teacher=teacher, **{**kwargs, **change})
        assert message in " ".join(refused.value.messages)
        assert not MarginComment.objects.exists()

    def test_a_selection_of_only_the_blank_line_is_refused(self, macbeth, teacher):
        at = macbeth.body.index("\n\n")
        with pytest.raises(ValidationError, match="Select a passage"):
            comment_add(essay=macbeth, teacher=teacher, body="?", start=at, end=at + 2, quote="", text_version=1)

    def test_a_comment_of_exactly_the_limit_is_taken(self, macbeth, teacher):
        assert len(add(macbeth, teacher, PASSAGE, body="y" * MAX_COMMENT).body) == MAX_COMMENT

    @pytest.mark.parametrize("who", ["student", "unverified", "author", "inactive", "staff"])
    def test_only_verified_teachers_comment_and_never_on_their_own_essay(self, macbeth, teacher, who, staff, student):
        user = {
            "student": student,
            "unverified": UserFactory(),
            "author": teacher,
            "inactive": UserFactory(is_verified_teacher=True, is_active=False),
            "staff": staff,
        }[who]
        if who == "author":
            macbeth.author = teacher
            macbeth.save()
        with pytest.raises(ValidationError, match="Only verified teachers comment on essays, and never on their own"):
            add(macbeth, user, PASSAGE)
        assert not MarginComment.objects.exists()

    def test_nor_on_an_essay_that_is_not_published(self, section, teacher):
        pending = make_essay(section=section, text=TEXT, status=Essay.Status.PENDING)
        with pytest.raises(ValidationError, match="Only verified teachers"):
            add(pending, teacher, PASSAGE)

    def test_paragraph_ranges(self, macbeth):
        for number, paragraph in enumerate(TEXT.split("\n\n"), start=1):
            start, end = paragraph_range(essay=macbeth, number=number)
            assert macbeth.body[start:end] == paragraph
        with pytest.raises(ValidationError, match="Choose one of the essay's paragraphs"):
            paragraph_range(essay=macbeth, number=7)


class TestChanging:
    def test_its_teacher_edits_and_deletes_it_and_nobody_else_does(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE)
        other = UserFactory(is_verified_teacher=True)
        with pytest.raises(ValidationError, match="Only the teacher who wrote a comment may change it"):
            comment_edit(comment=comment, teacher=other, body="Mine now.")
        with pytest.raises(ValidationError, match="Only the teacher who wrote a comment may change it"):
            comment_delete(comment=comment, teacher=other)
        with pytest.raises(ValidationError, match="Write the comment"):
            comment_edit(comment=comment, teacher=teacher, body=" ")
        edited = comment_edit(comment=comment, teacher=teacher, body=" Sharper wording. ")
        edited.refresh_from_db()
        assert edited.body == "Sharper wording." and edited.modified_at >= edited.created_at
        comment_delete(comment=comment, teacher=teacher)
        assert not MarginComment.objects.exists()

    def test_an_orphan_reattached_is_exact_on_its_new_passage_and_logged(self, macbeth, teacher):
        comment = add(macbeth, teacher, PASSAGE)
        save_text(macbeth, TEXT.replace(" " + PASSAGE + " of the king.", " His aside shows the thought forming."))
        assert where(comment) == ("orphan", "")
        new_passage = "His aside shows the thought forming."
        at = macbeth.body.index(new_passage)
        with pytest.raises(ValidationError, match="The essay's text has changed since you opened it"):
            comment_reattach(
                comment=comment, teacher=teacher, start=at, end=at + len(new_passage), quote=new_passage, text_version=1
            )
        with pytest.raises(ValidationError, match="Only the teacher who wrote a comment may change it"):
            comment_reattach(
                comment=comment,
                teacher=UserFactory(is_verified_teacher=True),
                start=at,
                end=at + len(new_passage),
                quote=new_passage,
                text_version=2,
            )
        comment_reattach(
            comment=comment, teacher=teacher, start=at, end=at + len(new_passage), quote=new_passage, text_version=2
        )
        assert where(comment) == ("exact", new_passage)
        assert comment.original_exact == new_passage
        assert not lost_comments().exists()
        event = MarkingEvent.objects.get(action=MarkingEvent.Action.COMMENT_REATTACHED)
        assert (event.comment, event.actor) == (comment, teacher)
        # Placed in text version 2, it is carried on from there.
        save_text(macbeth, text("A new opening.", macbeth.body))
        assert where(comment) == ("exact", new_passage)

    def test_hiding_needs_a_reason_and_is_logged_as_is_showing(self, macbeth, teacher, staff):
        comment = add(macbeth, teacher, PASSAGE)
        with pytest.raises(ValidationError, match="Say why the comment is hidden: its teacher sees the reason"):
            comment_hide(comment=comment, moderator=staff, reason="  ")
        comment.refresh_from_db()
        assert not comment.is_hidden
        assert not MarkingEvent.objects.filter(action=MarkingEvent.Action.COMMENT_HIDDEN).exists()
        comment_hide(comment=comment, moderator=staff, reason="  Personal remarks about the student.  ")
        comment.refresh_from_db()
        assert (comment.is_hidden, comment.hidden_reason) == (True, "Personal remarks about the student.")
        hidden = MarkingEvent.objects.get(action=MarkingEvent.Action.COMMENT_HIDDEN)
        assert (hidden.comment, hidden.actor, hidden.note) == (comment, staff, "Personal remarks about the student.")
        comment_show(comment=comment, moderator=staff)
        comment.refresh_from_db()
        assert (comment.is_hidden, comment.hidden_reason) == (False, "")
        shown = MarkingEvent.objects.get(action=MarkingEvent.Action.COMMENT_SHOWN)
        assert (shown.comment, shown.actor) == (comment, staff)

    def test_a_hidden_comment_is_still_carried_through_edits(self, macbeth, teacher, staff):
        comment = add(macbeth, teacher, PASSAGE)
        comment_hide(comment=comment, moderator=staff, reason="Under review.")
        save_text(macbeth, text("A new opening.", TEXT))
        assert where(comment) == ("exact", PASSAGE)
        assert comment.is_hidden
