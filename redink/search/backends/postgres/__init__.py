"""PostgreSQL full-text search backend: a stored, weighted tsvector with GIN indexes, and
pg_trgm for typo tolerance.

Weights: A = title, B = free text, D = hidden text. Only title and free text are stored as
plain text (for snippets and the spelling vocabulary); the hidden text lives only in the
tsvector, so no snippet can be cut from it.

One module per concern: `tuning` (every measured constant, with its measurement), `sql` (the
query, filter and ranking expressions), `indexing` (writes, rebuilds and the document table's
indexes), `searching` (candidate selection, ranking, snippets and facets), `suggestions`
(title suggestions and the spelling vocabulary). The tables are made by the search app's
migration.
"""

from .backend import PostgresBackend

__all__ = ["PostgresBackend"]
