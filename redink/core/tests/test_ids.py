"""Bulk changes name more essays than one SQL statement may bind, and still go through."""

import sqlite3

import pytest
from django.db import OperationalError, connection

from redink.catalogue.derivatives import refresh_in_bulk
from redink.catalogue.models import Essay
from redink.related.cards import restore_cards
from redink.related.services import related_forget
from redink.related.sources import load_sources

pytestmark = pytest.mark.django_db

MANY = list(range(1, 40_001))  # past SQLite's limit on bound parameters in one statement


@pytest.fixture
def sqlite_default_limit():
    """SQLite's default limit (32,766), whatever this build was compiled with."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's limit is the lowest; PostgreSQL's is 65,535")
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)
    yield
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, previous)


def test_the_limit_bites_on_an_unchunked_list(sqlite_default_limit):
    with pytest.raises(OperationalError, match="too many SQL variables"):
        list(Essay.objects.filter(pk__in=MANY))


def test_bulk_changes_naming_forty_thousand_essays(sqlite_default_limit):
    assert related_forget(essay_ids=MANY) == 0
    restore_cards(MANY)
    cache: dict = {}
    load_sources(set(MANY), cache)
    assert cache == {}
    refreshed = refresh_in_bulk(essay_ids=MANY)
    assert refreshed.essays == len(MANY) and refreshed.related_levels == 0
