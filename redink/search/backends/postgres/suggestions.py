"""Title suggestions as you type, and the spelling vocabulary behind "Did you mean"."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from redink.catalogue.models import Essay

from ..base import TitleSuggestion
from ..tsvector import PREFIX_LENGTH, tokens_of
from . import tuning
from .sql import CONFIG, escape_like, through_gin_indexes

# The longest title: a longer word is in none.
TITLE_LENGTH = Essay._meta.get_field("title").max_length or 250


class Suggestions:
    """The backend's title suggestions and vocabulary (a mixin of PostgresBackend)."""

    def title_prefix_search(self, words: list[str], *, limit: int) -> list[TitleSuggestion]:
        """Titles holding every word, the last one as a prefix, most read first (as on SQLite).

        The words come from `words_of` (word characters only), so quoting each one makes a
        tsquery of terms and nothing else. The last word is looked up as its prefix lexeme
        (tsvector.prefix_literal), or past PREFIX_LENGTH letters as a prefix query."""
        # Split at underscores, as the title words are (SQLite's tokenizer does too).
        words = list(tokens_of(" ".join(words), words))
        if not words or any(len(word) > TITLE_LENGTH for word in words):
            return []  # no title holds it (and a lexeme has at most 2,047 bytes)
        last = words[-1]
        terms = [f"'{w}'" for w in words[:-1]] + [f"'{last}*'" if len(last) <= PREFIX_LENGTH else f"'{last}':*"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.essay_id, d.title FROM (SELECT essay_id, title FROM search_document WHERE title_words "
                "@@ %s::tsquery LIMIT %s) d JOIN catalogue_essay e ON e.id = d.essay_id "
                "ORDER BY e.reading_count DESC, d.essay_id DESC LIMIT %s",
                [" & ".join(terms), tuning.SUGGESTION_CANDIDATES, limit],
            )
            return [TitleSuggestion(row[0], row[1]) for row in cursor.fetchall()]

    def vocabulary_has(self, word: str, *, prefix: bool = False) -> bool:
        with connection.cursor() as cursor:
            if prefix:
                cursor.execute(
                    "SELECT 1 FROM search_words WHERE word LIKE %s AND df > 0 LIMIT 1", [escape_like(word) + "%"]
                )
            else:
                cursor.execute("SELECT 1 FROM search_words WHERE word = %s AND df > 0", [word])
            return cursor.fetchone() is not None

    def known_words(self, words: Iterable[str]) -> set[str]:
        asked = set(words)
        with connection.cursor() as cursor:
            # A word of the titles and free text is known; looking it up there is one index
            # probe, where asking the full-text index costs a pass over the essays holding it.
            cursor.execute("SELECT word FROM search_words WHERE word = ANY(%s) AND df > 0", [sorted(asked)])
            known = {row[0] for row in cursor.fetchall()}
        unseen = asked - known
        if not unseen:
            return known  # the usual case: no transaction to open for the planner's setting
        with through_gin_indexes() as cursor:
            for word in unseen:
                # A stop word makes an empty tsquery, which matches nothing: it is known (it is
                # simply not indexed).
                cursor.execute(
                    f"SELECT numnode(q) = 0 OR EXISTS (SELECT 1 FROM search_document WHERE document @@ q) "
                    f"FROM plainto_tsquery('{CONFIG}', %s) q",
                    [word],
                )
                if cursor.fetchone()[0]:
                    known.add(word)
        return known

    def similar_words(self, word: str, *, limit: int = 30) -> list[tuple[str, int]]:
        """The words nearest by trigram similarity among those at least SIMILARITY_FLOOR alike,
        found through the GIN trigram index. `%` takes its floor from a setting, set here for
        the session before each use (nothing else reads it)."""
        floor = tuning.SIMILARITY_FLOOR if len(word) > 4 else tuning.SHORT_WORD_SIMILARITY_FLOOR
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", [str(floor)])
            cursor.execute(
                "SELECT word, df FROM search_words WHERE word %% %s AND df > 0 ORDER BY word <-> %s, word LIMIT %s",
                [word, word, limit],
            )
            return [(row[0], row[1]) for row in cursor.fetchall()]
