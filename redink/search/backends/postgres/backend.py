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
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if not cursor.fetchone():
                return [
                    "The pg_trgm extension is not installed; typo-tolerant search needs it (CREATE EXTENSION pg_trgm)."
                ]
        return []
