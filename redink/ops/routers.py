"""The database router for a PostgreSQL read replica (installed only with DATABASE_REPLICA_URL).

Reads go to "replica" while redink.ops.replica says the current request may use it (a visitor
browsing, not pinned by a recent write); every other read, and every write, goes to "default",
the primary. The answer is always explicit: left to itself, Django would send a read about an
object to the database that object came from, so an essay loaded from the replica and kept in a
process-wide cache would pull a member's later reads there too.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

from redink.ops.replica import REPLICA, replica_reads_allowed

# Tables read and then written in the same breath (the database cache that keeps rate limits and
# readings' de-duplication, sessions, the task queue): reading them behind the primary would
# lose counts or run a task twice.
PRIMARY_ONLY_APPS = frozenset({"django_cache", "sessions", "django_tasks_database"})


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if replica_reads_allowed() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA  # the replica follows the primary's schema by replication
