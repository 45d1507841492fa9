"""Search backends, one per database vendor, behind one small interface."""

from __future__ import annotations

from functools import cache

from django.db import connection

from .base import FacetCount, Hit, SearchBackend, SearchPage, SearchRequest, TitleSuggestion


@cache
def _backend_for(vendor: str) -> SearchBackend:
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if vendor == "sqlite":
        from .sqlite_fts5 import SQLiteFTS5Backend

        return SQLiteFTS5Backend()
    raise NotImplementedError(f"Redink's search has no backend for the {vendor} database.")


def get_backend() -> SearchBackend:
    """The backend for the database in use (SQLite FTS5 or PostgreSQL full-text search)."""
    return _backend_for(connection.vendor)


__all__ = ["FacetCount", "Hit", "SearchBackend", "SearchPage", "SearchRequest", "TitleSuggestion", "get_backend"]
