"""The PostgreSQL backend's tuned numbers, each with the measurement behind it. The code reads
them from here at call time (`tuning.NAME`), so a test can make them small."""

from redink.search.backends.base import COUNT_CAP, RANK_CANDIDATES

__all__ = ["COUNT_CAP", "RANK_CANDIDATES"]

# Recent matches added to the bounded ranking's candidates, so a new essay can rank before
# it enters any word's `top` tier.
RECENT_WINDOW = 100
# Up to this many matches are ranked exactly. Each ranked match costs a document fetched from
# out-of-line storage (about 20 µs), so PostgreSQL bounds its ranking sooner than SQLite.
EXACT_RANK_LIMIT = 1000
# A one-word query over the whole library takes its candidates from the narrow `best` tier for
# the results up to here (ten pages); further pages, from the wider `top` tier.
BEST_TIER_ROWS = 200
# ts_rank_cd weights, in PostgreSQL's order {D, C, B, A}: hidden, -, free, title.
RANK_WEIGHTS = "{0.1, 0.0, 0.1, 1.0}"
# Memory for each index build of a rebuild. More is not faster: at 160,000 essays the document
# index took 48 s with 128 MB, 56 s with 256 MB and 73 s with 2 GB.
REBUILD_MAINTENANCE_MEMORY = "128MB"
# Rows written per COPY and transaction in a rebuild.
REBUILD_BATCH = 1000
# Words at least this alike (trigram similarity) are offered as corrections. One typo leaves
# a word of five letters or more at 0.2 or above: the worst, two letters swapped inside a
# five-letter word, keeps 2 of its 6 trigrams (2 shared of 10 in all). A four-letter word with
# two letters swapped keeps 1 of 5 ("wrod" and "word": 1 of 9, 0.11), so shorter words take a
# lower floor. pg_trgm's default is 0.3.
SIMILARITY_FLOOR = 0.15
SHORT_WORD_SIMILARITY_FLOOR = 0.1
# Title suggestions order at most this many titles holding the words by readings: words like
# "the" are in most titles, and ordering them all would read every essay row.
SUGGESTION_CANDIDATES = 500
