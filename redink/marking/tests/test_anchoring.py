"""Re-anchoring a margin comment's passage in a new text of its essay (`anchoring`, pure: no
database). Each case checks the state the comment is given and that the span it is given is the
right passage of the new text."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from redink.marking.anchoring import CONTEXT, FINE_MAX, SHORT_QUOTE, Placement, TextDiff, place, quote_at

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
AFTER = (
    "After the murder Macbeth cannot sleep, and the guilt that follows him is shown in "
    "the banquet scene, where the ghost of Banquo takes his place at the table."
)
ENDING = (
    "By the end of the play ambition has destroyed both of them. "
    "Macbeth fights on without hope, and the tyrant's head is carried in by Macduff."
)


def essay(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def on(text: str, passage: str, occurrence: int = 1):  # type: ignore[no-untyped-def]
    """The quote of the `occurrence`-th copy of `passage` in `text`."""
    at = -1
    for _ in range(occurrence):
        at = text.index(passage, at + 1)
    return quote_at(text, at, at + len(passage))


def placed(quote, old: str, new: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    found = place(quote, old=old, new=new)
    return found.state, ("" if found.is_orphan else new[found.start : found.end])


OLD = essay(OPENING, WITCHES, LADY, AFTER, ENDING)
PASSAGE = "His aside after the prophecy shows how quickly he imagines the killing"


class TestQuote:
    def test_the_selectors_of_a_passage(self):
        quote = on(OLD, PASSAGE)
        assert quote.exact == PASSAGE
        assert OLD[quote.start : quote.end] == PASSAGE
        assert len(quote.prefix) == len(quote.suffix) == CONTEXT
        assert OLD.endswith(quote.suffix + OLD[quote.end + CONTEXT :])
        assert quote.prefix == OLD[quote.start - CONTEXT : quote.start]

    def test_context_is_cut_short_at_either_end_of_the_text(self):
        start = quote_at(OLD, 0, 11)
        assert (start.exact, start.prefix) == ("Shakespeare", "")
        end = quote_at(OLD, len(OLD) - 8, len(OLD))
        assert (end.exact, end.suffix, len(end.prefix)) == ("Macduff.", "", CONTEXT)

    @pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 2), (-1, 3), (0, len(OLD) + 1)])
    def test_an_empty_or_outlying_passage_is_refused(self, start, end):
        with pytest.raises(ValueError, match="is not a passage"):
            quote_at(OLD, start, end)

    def test_an_unchanged_text_keeps_every_passage(self):
        assert place(on(OLD, PASSAGE), old=OLD, new=OLD) == Placement("exact", *_span(OLD, PASSAGE))


def _span(text: str, passage: str, occurrence: int = 1) -> tuple[int, int]:
    quote = on(text, passage, occurrence)
    return quote.start, quote.end


class TestThroughTheDiff:
    def test_text_inserted_before_the_passage_shifts_it(self):
        new = essay("A new opening paragraph, added in the second draft, sets the scene.", *OLD.split("\n\n"))
        new = new.replace("From the first scene", "From the very first scene")
        found = place(on(OLD, PASSAGE), old=OLD, new=new)
        assert found.state == "exact"
        assert found.start > on(OLD, PASSAGE).start
        assert new[found.start : found.end] == PASSAGE

    def test_a_word_changed_inside_the_passage_is_edited_and_covers_the_new_word(self):
        new = OLD.replace("how quickly he imagines", "how swiftly he imagines")
        assert placed(on(OLD, PASSAGE), OLD, new) == (
            "edited",
            "His aside after the prophecy shows how swiftly he imagines the killing",
        )

    @pytest.mark.parametrize(
        ("old_word", "new_word", "expected"),
        [
            # The last word replaced: the range runs to the end of its replacement.
            ("the killing", "the murder", "His aside after the prophecy shows how quickly he imagines the murder"),
            # The first word replaced: the range starts at its replacement.
            (
                "His aside after",
                "Macbeth's aside after",
                "Macbeth's aside after the prophecy shows how quickly he imagines the killing",
            ),
        ],
    )
    def test_a_word_replaced_at_either_end_is_inside_the_new_range(self, old_word, new_word, expected):
        new = OLD.replace(old_word, new_word)
        assert placed(on(OLD, PASSAGE), OLD, new) == ("edited", expected)

    def test_text_added_right_after_the_passage_is_not_taken_into_it(self):
        new = OLD.replace("the killing of the king", "the killing, at once, of the king")
        assert placed(on(OLD, PASSAGE), OLD, new) == ("exact", PASSAGE)

    def test_a_repeated_passage_stays_on_the_copy_it_was_on(self):
        repeated = "the desire for power"
        old = essay(OPENING, WITCHES, f"In Lady Macbeth, too, {repeated} overrides every other feeling.", ENDING)
        quote = on(old, repeated, occurrence=2)
        new = old.replace("corrupts whoever gives way to it", "corrupts anyone who gives way to it")
        new = new.replace("Macduff.", "Macduff at the close.")
        found = place(quote, old=old, new=new)
        assert found.state == "exact"
        assert new[found.start : found.end] == repeated
        assert found.start == new.index(repeated, new.index(repeated) + 1)  # the second copy

    def test_a_deleted_passage_is_an_orphan(self):
        new = OLD.replace(" " + PASSAGE + " of the king.", "")
        assert PASSAGE not in new
        assert placed(on(OLD, PASSAGE), OLD, new) == ("orphan", "")

    def test_a_rewritten_passage_is_an_orphan_not_a_scatter_of_shared_letters(self):
        new = OLD.replace(PASSAGE + " of the king", "Banquo, meanwhile, is wary of what the sisters promise")
        assert placed(on(OLD, PASSAGE), OLD, new) == ("orphan", "")


SENTENCE = "She calls on the spirits to unsex her, so that no remorse can stand in her way."
CUT = LADY.replace(" " + SENTENCE, "")


class TestMoved:
    @pytest.mark.parametrize(
        "moved",
        [
            lambda s: essay(OPENING + " " + s, WITCHES, CUT, AFTER, ENDING),  # two paragraphs up
            lambda s: essay(OPENING, WITCHES, CUT, AFTER, s + " " + ENDING),  # two paragraphs down
            lambda s: essay(OPENING, WITCHES + " " + s, CUT, AFTER, ENDING),  # to the paragraph before
            lambda s: essay(OPENING, WITCHES, CUT, s, AFTER, ENDING),  # a paragraph of its own
        ],
    )
    def test_a_passage_moved_to_another_paragraph_is_exact_there(self, moved):
        new = moved(SENTENCE)
        found = place(on(OLD, SENTENCE), old=OLD, new=new)
        assert (found.state, new[found.start : found.end]) == ("exact", SENTENCE)

    @pytest.mark.parametrize(
        "moved",
        [
            lambda s: essay(OPENING + " " + s, WITCHES, CUT, AFTER, ENDING),
            lambda s: essay(OPENING, WITCHES, CUT, AFTER, s + " " + ENDING),
            lambda s: essay(OPENING, s, WITCHES, CUT, AFTER, ENDING),
        ],
    )
    def test_a_passage_moved_with_one_word_changed_is_fuzzy(self, moved):
        changed = SENTENCE.replace("no remorse", "no pity")
        new = moved(changed)
        assert placed(on(OLD, SENTENCE), OLD, new) == ("fuzzy", changed)

    def test_split_off_into_a_paragraph_of_its_own_with_a_word_changed_it_is_edited_where_it_was(self):
        changed = SENTENCE.replace("no remorse", "no pity")
        new = essay(OPENING, WITCHES, CUT, changed, AFTER, ENDING)
        assert placed(on(OLD, SENTENCE), OLD, new) == ("edited", changed)

    @pytest.mark.parametrize(
        "moved",
        [
            lambda s: essay(OPENING, WITCHES + " " + s, CUT, AFTER, ENDING),
            lambda s: essay(OPENING, WITCHES, s, CUT, AFTER, ENDING),
        ],
    )
    def test_moved_next_to_where_it_was_it_may_read_as_edited(self, moved):
        """A paragraph's last sentence moved to just before its first (the end of the paragraph
        before, or a paragraph of its own): the diff cannot tell that from the first sentence
        moved after it, and keeps the longer. Either way the comment is on the new wording, and
        marked as changed."""
        changed = SENTENCE.replace("no remorse", "no pity")
        new = moved(changed)
        found = place(on(OLD, SENTENCE), old=OLD, new=new)
        assert found.state in ("fuzzy", "edited")
        assert new[found.start : found.end] == changed

    def test_a_moved_passage_rewritten_beyond_the_threshold_is_an_orphan(self):
        rewritten = "She prays to be rid of pity, and of everything gentle in her."
        new = essay(OPENING + " " + rewritten, WITCHES, CUT, AFTER, ENDING)
        assert placed(on(OLD, SENTENCE), OLD, new) == ("orphan", "")


LOOKALIKE = LADY.replace("until he agrees to act", "until he agrees to kill")


class TestLookalikes:
    """A passage whose paragraph is deleted is not moved onto a near-identical paragraph that
    was already in the text, wherever that is and whatever else the edit changed."""

    @pytest.mark.parametrize(
        "order",
        [
            ("passage", "other", "lookalike"),  # elsewhere
            ("passage", "lookalike", "other"),  # the next paragraph
            ("lookalike", "passage", "other"),  # the paragraph before
        ],
    )
    @pytest.mark.parametrize(
        "lookalike_after",
        [
            LOOKALIKE,  # left as it was
            LOOKALIKE.replace("until he agrees", "till he agrees"),  # edited in the same change
            LOOKALIKE.replace("no remorse", "no pity"),
            LOOKALIKE + " Her will is stronger than his.",
        ],
    )
    @pytest.mark.parametrize(
        "passage",
        [
            LADY,  # the whole paragraph
            "Lady Macbeth questions her husband's courage",  # its opening
            "She calls on the spirits to unsex her, so that no remorse can stand in her way.",  # its end
            "until he agrees to act. She calls on the spirits",  # across its sentences
        ],
    )
    @pytest.mark.parametrize("opening", [(OPENING,), ()], ids=["after-an-opening", "at-the-start"])
    def test_the_paragraph_deleted_orphans_the_comment(self, order, lookalike_after, passage, opening):
        parts = {"passage": LADY, "other": AFTER, "lookalike": LOOKALIKE}
        old = essay(*opening, *(parts[name] for name in order), ENDING)
        after = {"other": AFTER, "lookalike": lookalike_after}
        new = essay(*opening, *(after[name] for name in order if name != "passage"), ENDING)
        quote = on(old, passage, occurrence=2 if passage in LOOKALIKE and order[0] == "lookalike" else 1)
        assert old[quote.start : quote.end] == passage and quote.start >= old.index(LADY)
        assert placed(quote, old, new) == ("orphan", "")

    def test_a_comment_on_the_lookalike_itself_stays_on_it(self):
        old = essay(OPENING, LADY, LOOKALIKE, ENDING)
        new = essay(OPENING, LOOKALIKE.replace("until he agrees", "till he agrees"), ENDING)
        passage = "She calls on the spirits to unsex her"
        found = place(on(old, passage, occurrence=2), old=old, new=new)
        assert (found.state, new[found.start : found.end]) == ("exact", passage)


class TestShortQuotes:
    def test_a_name_whose_sentence_is_deleted_does_not_move_to_a_new_mention(self):
        old = essay(OPENING, WITCHES, "Banquo is the play's measure of a loyal thane.", ENDING)
        new = essay(
            OPENING,
            WITCHES,
            ENDING + " Malcolm says that Banquo was the better man, and is proved right.",
        )
        assert placed(on(old, "Banquo"), old, new) == ("orphan", "")

    def test_nor_to_a_new_mention_at_the_start_or_end_of_the_text(self):
        old = essay(OPENING, "Banquo is the play's measure of a loyal thane.", ENDING)
        for new in (
            essay("Banquo is murdered in Act 3.", OPENING, ENDING),
            essay(OPENING, ENDING, "Nothing of this touches Banquo"),
        ):
            assert placed(on(old, "Banquo"), old, new) == ("orphan", "")

    def test_a_name_moved_with_its_sentence_moves(self):
        sentence = "Banquo is the play's measure of a loyal thane."
        old = essay(OPENING, WITCHES, sentence, ENDING)
        new = essay(OPENING, sentence, WITCHES, ENDING)
        found = place(on(old, "Banquo"), old=old, new=new)
        assert (found.state, found.start) == ("exact", new.index(sentence))

    def test_a_name_in_a_sentence_rewritten_in_place_is_an_orphan(self):
        old = essay(OPENING, WITCHES, "Banquo is the play's measure of a loyal thane.", ENDING)
        new = essay(OPENING, WITCHES, "Macbeth fears Banquo more than any other lord.", ENDING)
        assert placed(on(old, "Banquo"), old, new) == ("orphan", "")

    def test_a_name_kept_while_a_neighbouring_word_changes_stays(self):
        old = essay(OPENING, WITCHES, "Banquo is the play's measure of a loyal thane.", ENDING)
        new = old.replace("measure of a loyal", "measure of a faithful")
        found = place(on(old, "Banquo"), old=old, new=new)
        assert (found.state, new[found.start : found.end]) == ("exact", "Banquo")


class TestCodePoints:
    def test_positions_count_code_points_past_characters_outside_the_bmp(self):
        old = essay("🎭 " + OPENING, WITCHES)
        new = essay("🎭🗡️👑 " + OPENING.replace("a force", "the force"), WITCHES)
        quote = on(old, PASSAGE)
        assert quote.start == old.index(PASSAGE)  # str positions are code points
        found = place(quote, old=old, new=new)
        assert (found.state, new[found.start : found.end]) == ("exact", PASSAGE)
        # Three code points and a space, then "the" for "a": a sword, its variation selector, a crown.
        assert found.start == quote.start + len("🗡️👑") + 2 == quote.start + 5

    def test_a_passage_of_emoji(self):
        old = essay(OPENING, "The feeling, in one line: 😱🩸😱 and then silence.", ENDING)
        new = old.replace("The feeling", "The whole feeling")
        found = place(on(old, "😱🩸😱"), old=old, new=new)
        assert (found.state, new[found.start : found.end]) == ("exact", "😱🩸😱")


class TestTextDiff:
    def test_runs_cover_both_texts(self):
        new = essay(OPENING, LADY.replace("courage", "nerve"), "A paragraph added.", ENDING)
        diff = TextDiff(OLD, new)
        old_length = sum(length for op, _, _, length in diff.runs if op != "+")
        new_length = sum(length for op, _, _, length in diff.runs if op != "-")
        assert (old_length, new_length) == (len(OLD), len(new))
        for op, o, n, length in diff.runs:
            if op == "=":
                assert OLD[o : o + length] == new[n : n + length]

    def test_a_position_in_what_the_edit_replaced_maps_to_where_the_replacement_is(self):
        new = essay(LADY, AFTER, ENDING)
        diff = TextDiff(OLD, new)
        assert diff.position(OLD.index(WITCHES) + 10) == 0  # the opening paragraphs deleted
        assert diff.position(OLD.index(LADY) + 5) == 5
        assert diff.position(len(OLD)) == len(new)

    def test_paragraphs_merged_or_split_keep_their_text(self):
        merged = essay(OPENING, WITCHES + " " + LADY, AFTER, ENDING)
        split = essay(OPENING, WITCHES, LADY.replace(" She calls", "\n\nShe calls"), AFTER, ENDING)
        for new in (merged, split):
            for passage in (PASSAGE, "Lady Macbeth questions her husband's courage", "She calls on the spirits"):
                found = place(on(OLD, passage), old=OLD, new=new)
                assert (found.state, new[found.start : found.end]) == ("exact", passage)


class TestLongParagraphs:
    """A paragraph longer than FINE_MAX is diffed sentence by sentence first; its passages must
    be found as they are in a short one."""

    LONG = " ".join(
        f"Sentence {n} of the chapter on the {word} weighs what the witnesses said about it."
        for n, word in enumerate(["harvest", "famine", "census", "strike", "treaty"] * 12)
    )

    def test_the_paragraph_is_long_enough_to_be_diffed_by_sentences(self):
        assert 2 * len(self.LONG) > FINE_MAX

    def test_a_sentence_reworded_keeps_the_others_exact_and_marks_its_own_passage_edited(self):
        old = essay(OPENING, self.LONG, ENDING)
        new = old.replace(
            "Sentence 30 of the chapter on the harvest weighs", "Sentence 30 of the chapter on the harvest judges"
        )
        kept = "Sentence 31 of the chapter on the famine weighs what the witnesses said"
        assert placed(on(old, kept), old, new) == ("exact", kept)
        reworded = on(old, "Sentence 30 of the chapter on the harvest weighs what the witnesses said")
        assert placed(reworded, old, new) == (
            "edited",
            "Sentence 30 of the chapter on the harvest judges what the witnesses said",
        )

    def test_a_passage_in_a_paragraph_replaced_by_unrelated_text_is_an_orphan(self):
        old = essay(OPENING, self.LONG, ENDING)
        other = " ".join(f"Line {n} tells of a voyage north past the {n}th island." for n in range(120))
        new = essay(OPENING, other, ENDING)
        assert placed(on(old, "of the chapter on the strike weighs what the witnesses"), old, new) == ("orphan", "")
        assert placed(on(old, ENDING[:40]), old, new) == ("exact", ENDING[:40])

    def test_a_sentence_moved_from_a_rewritten_paragraph_into_the_new_text_is_found(self):
        old = essay(OPENING, self.LONG, ENDING)
        moved = "Sentence 7 of the chapter on the census weighs what the witnesses said about it."
        other = " ".join(f"Line {n} tells of a voyage north past the {n}th island." for n in range(120))
        new = essay(OPENING, other + " " + moved, ENDING)
        assert placed(on(old, moved), old, new) == ("exact", moved)


# Random edits away from a passage -------------------------------------------------------------
#
# Texts of words none of which repeats, and edits between words. With a word repeated next to
# itself, deleting the one or the other gives the same text, and a diff may read it either way:
# "an edit away from the passage" would have no one right answer.

WORDS = sorted(
    set(
        (
            "the of and to in is that for it as was with be by on not he this are or his from at which but have an "
            "they were her she there one all we their can has more will would about if what when so no out up into "
            "than them could only other new some time these two may then do first any my now such like our over man "
            "even most made after also did many before must through back years where much your way well down should "
            "because each just those people how too little state good very make world still own men work long here "
            "both between life being under never day same another know while last might great old year off come "
            "since against go came right used take three king crown witch blood sleep ghost dagger thane castle heath "
            "murder guilt tyrant prophecy ambition courage remorse spirits banquet throne forest battle"
        ).split()
    )
)


@st.composite
def texts(draw) -> str:  # type: ignore[no-untyped-def]
    words = draw(st.lists(st.sampled_from(WORDS), min_size=6, max_size=90, unique=True))
    cuts = sorted(draw(st.sets(st.integers(3, len(words) - 3), max_size=5))) if len(words) > 6 else []
    paragraphs = [words[a:b] for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True) if b > a]
    return "\n\n".join(" ".join(paragraph).capitalize() + "." for paragraph in paragraphs)


# What an edit writes: none of the text's letters (all lower case), so it cannot be read as the
# text around it; paragraph breaks included (an edit may split a paragraph).
written = st.lists(
    st.one_of(
        st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,;'-"), min_size=1, max_size=20), st.just("\n\n")
    ),
    min_size=1,
    max_size=3,
).map("".join)

Edit = tuple[int, int, str]  # replace old [a, b) by the text


def _word_starts(text: str) -> list[int]:
    return [
        i
        for i in range(len(text) + 1)
        if i == len(text) or (not text[i].isspace() and (i == 0 or text[i - 1].isspace()))
    ]


@st.composite
def edits_away(draw, text: str, start: int, end: int, *, across_paragraphs: bool) -> list[Edit]:  # type: ignore[no-untyped-def]
    """Insertions, deletions and replacements of random text between words, none touching
    [start - 1, end + 1). A short quote is anchored on its context as well: one side with
    `CONTEXT` characters is left alone that far (the other may be rewritten up to the character
    next to the passage)."""
    before, after = (0, start - 1), (end + 1, len(text))
    if end - start < SHORT_QUOTE:
        sides = [side for side, room in (("before", start), ("after", len(text) - end)) if room >= CONTEXT]
        assume(sides)
        if draw(st.sampled_from(sides)) == "before":
            before = (0, start - CONTEXT)
        else:
            after = (end + CONTEXT, len(text))
    edits: list[Edit] = []
    for _ in range(draw(st.integers(1, 6))):
        lo, hi = draw(st.sampled_from([before, after]))
        places = [i for i in _word_starts(text) if lo <= i <= hi]
        if not places:
            continue
        a = draw(st.sampled_from(places))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        b = a if kind == "insert" else draw(st.sampled_from([i for i in places if i >= a]))
        if kind != "insert" and (b == a or (not across_paragraphs and "\n" in text[a:b])):
            continue
        if any((a < y and x < b) or (x <= a <= y and (a == b or x == y)) for x, y, _ in edits):
            continue  # edits neither overlap nor meet
        edits.append((a, b, "" if kind == "delete" else draw(written)))
    return edits


def apply(text: str, start: int, edits: list[Edit]) -> tuple[str, int]:
    """The edited text, and where `start` now is."""
    for a, b, inserted in sorted(edits, reverse=True):
        text = text[:a] + inserted + text[b:]
    return text, start + sum(len(inserted) - (b - a) for a, b, inserted in edits if a < start)


@st.composite
def passages(draw, *, within_paragraph: bool):  # type: ignore[no-untyped-def]
    """A text and a passage of it as a teacher selects one: whole words (no space or line break
    at either end, as `comments.comment_add` trims them)."""
    text = draw(texts())
    starts = _word_starts(text)[:-1]
    start = draw(st.sampled_from(starts))
    ends = [i for i in range(start + 1, len(text) + 1) if i == len(text) or text[i].isspace()]
    if within_paragraph:
        ends = [i for i in ends if "\n" not in text[start:i]]
    end = draw(st.sampled_from(ends[:25]))
    return text, start, end


def _stays_exact(text: str, start: int, end: int, edits: list[Edit]) -> None:
    new, moved_to = apply(text, start, edits)
    length = end - start
    assert new[moved_to : moved_to + length] == text[start:end]
    found = place(quote_at(text, start, end), old=text, new=new)
    assert (found.state, found.start, found.end) == ("exact", moved_to, moved_to + length)


@given(st.data())
def test_edits_away_from_a_passage_in_one_paragraph_keep_it_exact(data):
    """Anything may happen elsewhere, paragraphs merged or split included."""
    text, start, end = data.draw(passages(within_paragraph=True))
    _stays_exact(text, start, end, data.draw(edits_away(text, start, end, across_paragraphs=True)))


@given(st.data())
def test_edits_within_paragraphs_keep_a_passage_across_them_exact(data):
    """A passage may run across paragraphs when no edit joins two (an edit may split one)."""
    text, start, end = data.draw(passages(within_paragraph=False))
    _stays_exact(text, start, end, data.draw(edits_away(text, start, end, across_paragraphs=False)))


@given(st.data())
def test_non_bmp_text_inserted_before_a_passage_shifts_it_by_code_points(data):
    text, start, end = data.draw(passages(within_paragraph=False))
    emoji = data.draw(st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=8))
    at = data.draw(st.sampled_from([i for i in _word_starts(text) if i < start] or [0]))
    new = text[:at] + emoji + text[at:]
    found = place(quote_at(text, start, end), old=text, new=new)
    assert (found.state, found.start) == ("exact", start + len(emoji))
    assert new[found.start : found.end] == text[start:end]
