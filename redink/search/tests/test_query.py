import re
import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from redink.search.query import MAX_TERMS, parse_query, to_fts5, words_of


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
    assert len(parsed.clauses) <= MAX_TERMS


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
