"""Long lists of ids (or words) cut to fit one SQL statement's bound parameters.

A bulk change at 160,000 essays can name more ids than any database takes in one statement, so
every `IN (...)` over such a list goes through `in_chunks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from more_itertools import chunked

Item = TypeVar("Item")

# SQLite takes at most 32,766 bound parameters in one statement (the default since 3.32; search
# needs 3.34 anyway), PostgreSQL 65,535. This leaves room for the statement's other parameters
# beside the list: a filter or two.
ID_CHUNK = 30_000


def in_chunks(items: Iterable[Item]) -> Iterator[list[Item]]:
    """The items in order, in lists of at most ID_CHUNK."""
    return chunked(items, ID_CHUNK)
