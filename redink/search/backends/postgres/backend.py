"""The PostgreSQL backend, put together from its parts."""

from __future__ import annotations

from django.db import connection

from ..base import SearchBackend
from .indexing import Indexing
from .searching import Searching
from .suggestions import Suggestions


class PostgresBackend(Indexing, Searching, Suggestions, SearchBackend):
    vendor = "postgresql"

    def check(self) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT installed_version FROM pg_available_extensions WHERE name = 'pg_trgm'")
            row = cursor.fetchone()
        if row is None:
            return [
                "This PostgreSQL server has no pg_trgm extension, which typo-tolerant search needs: "
                "install PostgreSQL's contrib package (Debian ships it with the server)."
            ]
        # Before the search app's first migration, which creates the extension, it is simply not
        # there yet (this check runs as `migrate` starts): nothing to warn about.
        if row[0] is None and "search_words" in connection.introspection.table_names():
            return ["The pg_trgm extension is not installed; typo-tolerant search needs it (CREATE EXTENSION pg_trgm)."]
        return []
