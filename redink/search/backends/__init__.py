"""Search backends, one per database vendor, behind one small interface."""

from __future__ import annotations

from functools import cache

from django.db import connection

from .base import FacetCount, Hit, SearchBackend, SearchPage, SearchRequest, TitleSuggestion


def backend_class_for(vendor: str) -> type[SearchBackend] | None:
    """The backend class for a database vendor, or None when search has none for it."""
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend
    if vendor == "sqlite":
        from .sqlite_fts5 import SQLiteFTS5Backend

        return SQLiteFTS5Backend
    return None


@cache
def _backend_for(vendor: str) -> SearchBackend:
    backend_class = backend_class_for(vendor)
    if backend_class is None:
        raise NotImplementedError(f"Redink's search has no backend for the {vendor} database.")
    return backend_class()


def get_backend() -> SearchBackend:
    """The backend for the database in use (SQLite FTS5 or PostgreSQL full-text search)."""
    return _backend_for(connection.vendor)


__all__ = ["FacetCount", "Hit", "SearchBackend", "SearchPage", "SearchRequest", "TitleSuggestion", "get_backend"]
