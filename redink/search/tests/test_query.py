import re
import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from redink.search.query import MAX_ALTERNATIVES, MAX_WORDS, parse_query, to_fts5, words_of


def fts5_accepts(expression: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(a, b)")
    db.execute("INSERT INTO t VALUES ('cold war history', 'select from where')")
    db.execute("SELECT rowid FROM t WHERE t MATCH ?", [expression]).fetchall()


def test_plain_words_are_all_required():
    assert to_fts5(parse_query("Cuban missile crisis")) == '"cuban" AND "missile" AND "crisis"'


def test_phrases_or_and_exclusions():
    parsed = parse_query('"cold war" khrushchev OR kennedy -stalin')
    assert to_fts5(parsed) == '("cold war" AND ("khrushchev" OR "kennedy")) NOT "stalin"'
    assert parsed.display() == '"cold war" khrushchev OR kennedy -stalin'


def test_stop_words_are_dropped_but_kept_inside_phrases():
    assert parse_query("the causes of the war").words == ["causes", "war"]
    assert parse_query('"the war of the roses"').words == ["the", "war", "of", "the", "roses"]
    only = parse_query("the of and")
    assert only.is_empty and only.dropped_stop_words == ("the", "of", "and")


def test_abbreviations_and_ranges_stay_together():
    parsed = parse_query("U.S. policy 1955-62")
    assert [p.words for c in parsed.clauses for p in c.options] == [("u", "s"), ("policy",), ("1955", "62")]


def test_unbalanced_quote_and_sql_looking_input_are_just_words():
    assert parse_query('"cold war').words == ["cold", "war"]
    assert to_fts5(parse_query("'; DROP TABLE essays; --")) == '"drop" AND "table" AND "essays"'


def test_long_input_is_cut():
    parsed = parse_query("history " * 5000)
    assert parsed.truncated
    assert len(parsed.words) <= MAX_WORDS


def test_or_alternatives_are_capped_with_a_notice():
    guesses = " OR ".join(f"w{n}" for n in range(12))
    parsed = parse_query(guesses)
    assert len(parsed.clauses) == 1 and len(parsed.clauses[0].options) == MAX_ALTERNATIVES
    assert parsed.notices == ("A search can offer up to 8 alternatives joined by OR, so we used the first 8.",)
    phrases = parse_query(" OR ".join(f'"crisis castro w{n}"' for n in range(8)))
    assert len(phrases.words) == MAX_WORDS, "eight three-word guesses are cut to sixteen words"
    assert not parse_query("cuba OR russia OR berlin").notices


def test_words_are_capped_across_phrases_and_exclusions_with_a_notice():
    parsed = parse_query(" ".join(f"word{n}" for n in range(12)) + ' -"one two three" -"four five six"')
    assert len(parsed.words) + sum(len(p.words) for p in parsed.excluded) == MAX_WORDS
    assert parsed.excluded[-1].words == ("four",), "a phrase that does not fit whole keeps the words that fit"
    assert any("up to 16 words" in notice for notice in parsed.notices)
    assert not parse_query("causes of the first world war").notices


def test_without_word_order_a_phrase_is_the_set_of_its_words():
    forwards = parse_query('"moment of the crisis castro" -"fidel was" kennedy')
    backwards = parse_query('"castro crisis the of moment" -"was fidel" kennedy')
    assert forwards.without_word_order().words == backwards.without_word_order().words
    assert [p.words for p in forwards.without_word_order().excluded] == [("fidel",)]
    assert [p.words for p in backwards.without_word_order().excluded] == [("fidel",)]
    assert to_fts5(forwards.without_word_order()) == to_fts5(backwards.without_word_order())
    as_set = forwards.without_word_order()
    assert [p.words for c in as_set.clauses for p in c.options] == [("castro", "crisis", "moment"), ("kennedy",)]
    assert to_fts5(as_set) == '(("castro" AND "crisis" AND "moment") AND "kennedy") NOT "fidel"'
    assert parse_query('"the of"').without_word_order().words == ["of", "the"], "only stop words: kept"


def test_exclusion_only_is_empty():
    assert parse_query("-cuba -kennedy").is_empty


@given(st.text(max_size=400))
def test_any_text_becomes_a_valid_fts5_expression(raw):
    parsed = parse_query(raw)
    expression = to_fts5(parsed)
    if expression:
        fts5_accepts(expression)
        fts5_accepts("{a b} : (" + expression + ")")


@given(st.binary(max_size=300))
def test_binary_garbage_is_harmless(raw):
    text = raw.decode("latin-1")
    expression = to_fts5(parse_query(text))
    if expression:
        fts5_accepts(expression)


@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_words_are_the_lower_cased_runs_of_word_characters(text):
    """An ASCII text takes a faster way through `words_of`; both ways give the same words: the
    runs of letters, digits and underscores (underscores alone dropped), lower-cased."""
    expected = tuple(w for w in " ".join(re.findall(r"\w+", text)).lower().split() if w.strip("_"))
    assert words_of(text) == expected


def test_words_of_keep_a_word_whole_when_lower_casing_changes_it():
    assert words_of("İstanbul, SELF_ESTEEM and __ 6.5") == ("i̇stanbul", "self_esteem", "and", "6", "5")
