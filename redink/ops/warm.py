"""Reading the database into the operating system's cache before a stack takes its first request.

After a machine's restart the database's files are on disk, and every page's first rows are
random reads from it. At 160,000 essays on PostgreSQL, a mix of 200 requests/s against a
freshly started stack with its database on disk had a p99 of 4.3 s over two minutes (the two
web processes queue behind those reads); with the tables read first (4.7 GB, 9 to 11 s of
sequential reads here) a 10-minute run kept a p99 of 172 to 260 ms (docs/performance.md,
"A cold start"). `make prod-up` and `manage.py warm_database` do it.

What is read: every table of the site with its indexes and out-of-line (TOAST) storage, except
the originality check's signatures, which only the task worker reads (1.2 GB, a fifth of the
database at 160,000 essays).

PostgreSQL reads through `pg_prewarm` (a contrib extension; creating it needs a superuser, so
where it cannot be created nothing is read and the reason is given). SQLite reads its file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.db.backends.sqlite3.creation import DatabaseCreation

CHUNK = 1 << 20  # SQLite's file is read in pieces of 1 MiB


@dataclass(frozen=True)
class Warmed:
    relations: tuple[str, ...]  # what was read: tables, their indexes and TOAST storage
    bytes_read: int
    seconds: float
    skipped_because: str = ""  # why nothing was read, when nothing could be
    parts: tuple[str, str] = ("table or index", "tables and indexes")  # what `relations` names: one, several

    def summary(self) -> str:
        if self.skipped_because:
            return f"Nothing read: {self.skipped_because}"
        megabytes = self.bytes_read / (1 << 20)
        return (
            f"Read {megabytes:,.0f} MB of {len(self.relations):,} {self.parts[len(self.relations) != 1]} into the "
            f"operating system's cache in {self.seconds:.1f} s."
        )


# The site's tables (not the skipped ones), each with its TOAST table, and every index of both,
# each read through the operating system ('read'), whose cache is most of the memory; PostgreSQL's
# own buffers fill from it within the first seconds of requests. A row per relation: its bytes.
_WARM = """
WITH tables AS (
    SELECT c.oid, c.reltoastrelid
    FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace
      AND c.relkind IN ('r', 'm')
      AND NOT c.relname::text = ANY (%s)
), relations AS (
    SELECT oid AS relation FROM tables
    UNION ALL SELECT reltoastrelid FROM tables WHERE reltoastrelid <> 0
    UNION ALL SELECT i.indexrelid FROM pg_index i JOIN tables t ON i.indrelid IN (t.oid, t.reltoastrelid)
)
SELECT relation::regclass::text, pg_prewarm(relation, 'read') * current_setting('block_size')::bigint
FROM relations ORDER BY relation
"""


def skipped_tables() -> tuple[str, ...]:
    """The tables only the task worker reads: the originality check's signatures."""
    from redink.submissions.models import SignatureBand, TextSignature

    return (SignatureBand._meta.db_table, TextSignature._meta.db_table)


def warm_database() -> Warmed:
    """Read the site's tables into the operating system's cache (see the module's text)."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        warmed = _warm_postgresql()
    elif connection.vendor == "sqlite":
        warmed = _warm_sqlite()
    else:
        return Warmed((), 0, 0.0, skipped_because=f"{connection.vendor} is not a database Redink runs on.")
    return warmed if warmed.skipped_because else replace(warmed, seconds=time.perf_counter() - started)


def _warm_postgresql() -> Warmed:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0]
        return Warmed(
            (),
            0,
            0.0,
            skipped_because=(
                f"the pg_prewarm extension could not be created ({reason}). A superuser can run "
                "CREATE EXTENSION pg_prewarm once in this database; it comes with PostgreSQL's "
                "contrib package."
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute(_WARM, [list(skipped_tables())])
        read = cursor.fetchall()
    return Warmed(tuple(name for name, _ in read), sum(size for _, size in read), 0.0)


def _warm_sqlite() -> Warmed:
    name = connection.settings_dict["NAME"]
    if DatabaseCreation.is_in_memory_db(name):
        return Warmed((), 0, 0.0, skipped_because="the database is in memory.")
    return read_sqlite_files(Path(name))


def read_sqlite_files(path: Path) -> Warmed:
    """Read the SQLite database at `path` and its write-ahead log, if it has one."""
    total = 0
    files = [candidate for candidate in (path, path.with_name(f"{path.name}-wal")) if candidate.is_file()]
    for file in files:
        with file.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                total += len(chunk)
    return Warmed(tuple(file.name for file in files), total, 0.0, parts=("database file", "database files"))
